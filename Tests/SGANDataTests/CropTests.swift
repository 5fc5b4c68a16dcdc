import Testing

@testable import SGANData

@Suite struct CropTests {
  @Test func cropCornersMatchSourcePositions() throws {
    let image = positionImage(width: 178, height: 218)
    let box = CropBox(top: 55, left: 35, height: 108, width: 108)
    let cropped = try image.cropped(to: box, path: "position.png")
    #expect(cropped.width == 108)
    #expect(cropped.height == 108)

    let corners = [(0, 0), (0, 107), (107, 0), (107, 107)]
    for (y, x) in corners {
      #expect(Int(cropped[y, x, 0]) == (box.top + y) % 256, "row at corner (\(y), \(x))")
      #expect(Int(cropped[y, x, 1]) == (box.left + x) % 256, "column at corner (\(y), \(x))")
    }
  }

  @Test func centredCropOfCelebAIsDCGANBox() {
    let box = CropBox.centered(height: 108, width: 108, imageHeight: 218, imageWidth: 178)
    #expect(box == CropBox(top: 55, left: 35, height: 108, width: 108))
  }

  @Test func cropLargerThanImageNamesFileAndSizes() {
    let image = positionImage(width: 100, height: 80)
    let box = CropBox.centered(height: 108, width: 108, imageHeight: 80, imageWidth: 100)
    let error = #expect(throws: ImageError.self) {
      try image.cropped(to: box, path: "small/face.jpg")
    }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("small/face.jpg"))
    #expect(message.contains("108x108"))
    #expect(message.contains("100x80"))
  }

  @Test(arguments: [
    CropBox(top: -1, left: 0, height: 10, width: 10),
    CropBox(top: 0, left: 0, height: 0, width: 10),
    CropBox(top: 0, left: 91, height: 10, width: 10),
    CropBox(top: 71, left: 0, height: 10, width: 10),
  ])
  func cropOutsideImageIsRejected(box: CropBox) {
    let image = positionImage(width: 100, height: 80)
    #expect(
      throws: ImageError.cropOutsideImage(
        path: "a.png", crop: box, imageWidth: 100, imageHeight: 80)
    ) {
      try image.cropped(to: box, path: "a.png")
    }
  }

  @Test func cropRuleCentredSquareUsesShortSide() throws {
    let box = try CropRule.centeredSquare.box(imageWidth: 178, imageHeight: 218, path: "x")
    #expect(box == CropBox(top: 20, left: 0, height: 178, width: 178))
  }

  @Test func paddingCentresDigitExactly() throws {
    let digit = positionImage(width: 28, height: 28, channels: 1)
    let padded = try digit.padded(toWidth: 32, height: 32, path: "digit")
    #expect(padded.width == 32)
    #expect(padded.height == 32)
    let inner = try padded.cropped(to: CropBox(top: 2, left: 2, height: 28, width: 28), path: "")
    #expect(inner == digit)
    let border = (0..<32).flatMap { i in
      [padded[0, i, 0], padded[31, i, 0], padded[i, 0, 0], padded[i, 31, 0]]
    }
    #expect(border.allSatisfy { $0 == 0 })
    #expect(padded[1, 2, 0] == 0)
  }

  @Test func paddingSmallerCanvasIsRejected() {
    let image = positionImage(width: 40, height: 30, channels: 1)
    #expect(throws: ImageError.self) {
      try image.padded(toWidth: 32, height: 32, path: "wide")
    }
  }
}
