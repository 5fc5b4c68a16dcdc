import Testing

@testable import SGANData

@Suite struct ImageConversionTests {
  @Test func grayToRGBReplicatesValue() {
    let gray = Image(width: 2, height: 1, channels: 1, pixels: [7, 200])
    let rgb = gray.converted(toChannels: 3)
    #expect(rgb.channels == 3)
    #expect(rgb.pixels == [7, 7, 7, 200, 200, 200])
  }

  @Test func rgbToGrayUsesBT601Weights() {
    let colours: [[UInt8]] = [
      [255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 100, 250], [90, 90, 90],
    ]
    let rgb = Image(width: colours.count, height: 1, channels: 3, pixels: colours.flatMap { $0 })
    let gray = rgb.converted(toChannels: 1)
    for (x, colour) in colours.enumerated() {
      let expected =
        0.299 * Double(colour[0]) + 0.587 * Double(colour[1]) + 0.114 * Double(colour[2])
      #expect(abs(Double(gray[0, x, 0]) - expected) <= 0.5 + 1e-3, "colour \(colour)")
    }
  }

  @Test func rgbToGrayKeepsNeutralValues() {
    let values: [UInt8] = Array(0...255)
    let rgb = Image(width: 256, height: 1, channels: 3, pixels: values.flatMap { [$0, $0, $0] })
    #expect(rgb.converted(toChannels: 1).pixels == values)
  }

  @Test func rgbaCompositesOnBlack() {
    let rgba = Image(
      width: 3, height: 1, channels: 4,
      pixels: [200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 51, 128])
    let rgb = rgba.converted(toChannels: 3)
    #expect(Array(rgb.pixels[0..<3]) == [200, 100, 50])
    #expect(Array(rgb.pixels[3..<6]) == [0, 0, 0])
    let expectedHalf = [200.0, 100.0, 51.0].map { UInt8(($0 * 128 / 255).rounded()) }
    #expect(Array(rgb.pixels[6..<9]) == expectedHalf)
  }

  @Test func grayAlphaToRGBCompositesThenReplicates() {
    let grayAlpha = Image(width: 1, height: 1, channels: 2, pixels: [100, 51])
    let expected = UInt8((100.0 * 51 / 255).rounded())
    #expect(grayAlpha.converted(toChannels: 3).pixels == [expected, expected, expected])
    #expect(grayAlpha.converted(toChannels: 1).pixels == [expected])
  }

  @Test func rgbToRGBAAddsOpaqueAlpha() {
    let rgb = Image(width: 1, height: 1, channels: 3, pixels: [1, 2, 3])
    #expect(rgb.converted(toChannels: 4).pixels == [1, 2, 3, 255])
  }

  @Test func compositeRoundsToNearest() {
    for value in stride(from: 0, through: 255, by: 17) {
      for alpha in 0...255 {
        let exact = Double(value) * Double(alpha) / 255
        let result = compositeOnBlack(UInt32(value), alpha: UInt32(alpha))
        #expect(abs(Double(result) - exact) <= 0.5, "value \(value) alpha \(alpha)")
      }
    }
  }
}
