import CTurboJPEG
import Testing

@testable import SGANData

@Suite struct JPEGDecoderTests {
  @Test func grayJPEGDecodesToOneChannel() throws {
    let original = smoothImage(width: 40, height: 24, channels: 1)
    let jpeg = try encodeJPEG(original)
    let decoded = try ImageDecoder().decode(jpeg, path: "gray.jpg")
    #expect(decoded.channels == 1)
    #expect(decoded.width == 40)
    #expect(decoded.height == 24)
    #expect(maximumDifference(decoded, original) <= 2)
  }

  @Test func rgbJPEGDecodesToThreeChannels() throws {
    let original = smoothImage(width: 48, height: 32, channels: 3)
    let jpeg = try encodeJPEG(original)
    let decoded = try ImageDecoder().decode(jpeg, path: "rgb.jpg")
    #expect(decoded.channels == 3)
    #expect(decoded.width == 48)
    #expect(decoded.height == 32)
    #expect(maximumDifference(decoded, original) <= 3)
  }

  @Test func subsampledJPEGDecodes() throws {
    let original = smoothImage(width: 33, height: 17, channels: 3)
    let jpeg = try encodeJPEG(
      original.pixels, width: 33, height: 17, pixelFormat: TJPF_RGB, subsampling: TJSAMP_420)
    let decoded = try ImageDecoder().decode(jpeg, path: "420.jpg")
    #expect(decoded.width == 33)
    #expect(decoded.height == 17)
    #expect(maximumDifference(decoded, original) <= 6)
  }

  @Test func cmykJPEGDecodesToRGB() throws {
    // libjpeg writes CMYK as YCCK with an Adobe segment, so the decoder
    // reads the samples in Adobe's inverted convention (255 = no ink):
    // R = C * K / 255. With K = 255 the stored C, M, Y are the RGB values.
    let (width, height) = (16, 16)
    var cmyk: [UInt8] = []
    var expected: [UInt8] = []
    for _ in 0..<height {
      for x in 0..<width {
        let left = x < width / 2
        let stored: [UInt8] = left ? [200, 100, 50, 255] : [240, 240, 240, 128]
        cmyk.append(contentsOf: stored)
        let k = Double(stored[3])
        expected.append(contentsOf: stored[0..<3].map { UInt8((Double($0) * k / 255).rounded()) })
      }
    }
    let jpeg = try encodeJPEG(
      cmyk, width: width, height: height, pixelFormat: TJPF_CMYK, subsampling: TJSAMP_444)
    let hasAdobe = jpeg.withUnsafeBytes { JPEGMarkers.hasAdobeSegment($0) }
    #expect(hasAdobe)

    let decoded = try ImageDecoder().decode(jpeg, path: "cmyk.jpg")
    #expect(decoded.channels == 3)
    let reference = Image(width: width, height: height, channels: 3, pixels: expected)
    // Compare away from the colour edge, where JPEG ringing is small.
    for y in [2, 8, 13] {
      for x in [1, 3, 12, 14] {
        for c in 0..<3 {
          #expect(abs(Int(decoded[y, x, c]) - Int(reference[y, x, c])) <= 4, "(\(y), \(x), \(c))")
        }
      }
    }
  }

  @Test func cmykWithoutAdobeSegmentIsNotInverted() {
    let rgb = rgbFromCMYK([0, 255, 255, 0, 0, 0, 0, 255], inverted: false)
    #expect(rgb == [255, 0, 0, 0, 0, 0])
  }

  @Test func truncatedJPEGIsAnError() throws {
    let jpeg = try encodeJPEG(smoothImage(width: 64, height: 64, channels: 3))
    let truncated = Array(jpeg.prefix(jpeg.count / 2))
    let error = #expect(throws: ImageError.self) {
      try ImageDecoder().decode(truncated, path: "half.jpg")
    }
    guard case .jpegDecodingFailed(let path, let message)? = error else {
      Issue.record("expected jpegDecodingFailed, got \(String(describing: error))")
      return
    }
    #expect(path == "half.jpg")
    #expect(!message.isEmpty)
  }

  @Test func corruptJPEGIsAnError() throws {
    var jpeg = try encodeJPEG(smoothImage(width: 64, height: 64, channels: 3))
    // Overwrite the frame header and the tables after SOI with garbage.
    for i in 4..<min(200, jpeg.count) { jpeg[i] = 0x5A }
    #expect(throws: ImageError.self) {
      try ImageDecoder().decode(jpeg, path: "corrupt.jpg")
    }
  }

  @Test(arguments: ["corrupt", "truncated"])
  func decoderRecoversAfterBadInput(damage: String) throws {
    let original = smoothImage(width: 40, height: 40, channels: 3)
    let good = try encodeJPEG(original)
    var bad = Array(good.prefix(good.count / 2))
    if damage == "corrupt" {
      bad = good
      for i in 4..<min(120, bad.count) { bad[i] = 0x5A }
    }
    let decoder = try ImageDecoder()
    #expect(throws: ImageError.self) { try decoder.decode(bad, path: "bad.jpg") }
    let decoded = try decoder.decode(good, path: "good.jpg")
    #expect(decoded.width == 40)
    #expect(maximumDifference(decoded, original) <= 3)
  }

  @Test func htmlSavedAsJPEGIsNotAnImage() throws {
    let html = Array("<!DOCTYPE html><html><body>Not found</body></html>".utf8)
    let error = #expect(throws: ImageError.self) {
      try ImageDecoder().decode(html, path: "photo.jpg")
    }
    guard case .unrecognizedFormat(let path, _)? = error else {
      Issue.record("expected unrecognizedFormat, got \(String(describing: error))")
      return
    }
    #expect(path == "photo.jpg")
    #expect("\(error!)".contains("not a JPEG or PNG image"))
  }

  @Test func emptyFileIsAnError() throws {
    let directory = try ImageTestDirectory()
    let path = try directory.write([], to: "empty.jpg")
    #expect(throws: ImageError.emptyFile(path: path)) {
      try ImageDecoder().decodeFile(atPath: path)
    }
  }

  @Test func missingFileIsAnError() {
    let error = #expect(throws: ImageError.self) {
      try ImageDecoder().decodeFile(atPath: "/nonexistent/sgan/face.jpg")
    }
    guard case .unreadableFile(let path, _)? = error else {
      Issue.record("expected unreadableFile, got \(String(describing: error))")
      return
    }
    #expect(path == "/nonexistent/sgan/face.jpg")
  }

  @Test func formatComesFromMagicNotExtension() throws {
    let directory = try ImageTestDirectory()
    let png = try encodePNG(smoothImage(width: 8, height: 8, channels: 3))
    let path = try directory.write(png, to: "really-a-png.jpg")
    let decoded = try ImageDecoder().decodeFile(atPath: path)
    #expect(decoded.width == 8)
    #expect(png.withUnsafeBytes { ImageFormat.detect($0) } == .png)
  }
}
