import CPNG
import Foundation
import Testing

@testable import SGANData

@Suite struct PNGCodecTests {
  struct ColourTypeCase: CustomTestStringConvertible, Sendable {
    let name: String
    let channels: Int
    let colorType: UInt8
    var testDescription: String { name }
  }

  static let eightBitCases = [
    ColourTypeCase(name: "gray", channels: 1, colorType: 0),
    ColourTypeCase(name: "gray+alpha", channels: 2, colorType: 4),
    ColourTypeCase(name: "RGB", channels: 3, colorType: 2),
    ColourTypeCase(name: "RGBA", channels: 4, colorType: 6),
  ]

  @Test(arguments: eightBitCases)
  func eightBitPNGDecodesExactly(colourType: ColourTypeCase) throws {
    let original = noiseImage(width: 19, height: 11, channels: colourType.channels, seed: 5)
    let png = try encodePNG(original)
    #expect(pngHeaderFields(png).colorType == colourType.colorType)
    #expect(pngHeaderFields(png).bitDepth == 8)

    let decoded = try ImageDecoder().decode(png, path: "\(colourType.name).png")
    #expect(decoded == original)
  }

  @Test(arguments: [false, true])
  func palettePNGDecodesToColours(withTransparency: Bool) throws {
    let entryChannels = withTransparency ? 4 : 3
    let palette: [[UInt8]] = [
      [255, 0, 0, 255], [0, 128, 0, 0], [10, 20, 30, 77], [250, 250, 5, 255],
    ]
    let colormap = palette.flatMap { $0.prefix(entryChannels) }
    let (width, height) = (7, 5)
    let indices = (0..<(width * height)).map { UInt8(($0 * 3) % palette.count) }
    // PNG_FORMAT_RGB_COLORMAP and PNG_FORMAT_RGBA_COLORMAP, spelled out
    // because Swift does not import macros built from other macros.
    var format = PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_COLORMAP
    if withTransparency { format |= PNG_FORMAT_FLAG_ALPHA }
    let png = try indices.withUnsafeBytes {
      try encodePNG(
        samples: $0, width: width, height: height, format: UInt32(format),
        colormap: colormap, colormapEntries: palette.count)
    }
    #expect(pngHeaderFields(png).colorType == 3)

    let decoded = try ImageDecoder().decode(png, path: "palette.png")
    #expect(decoded.channels == entryChannels)
    for (p, index) in indices.enumerated() {
      let sample = Array(decoded.pixels[p * entryChannels..<(p + 1) * entryChannels])
      #expect(sample == Array(palette[Int(index)].prefix(entryChannels)), "pixel \(p)")
    }
  }

  @Test func sixteenBitGrayRoundsToEightBits() throws {
    let values: [UInt16] = [0, 128, 129, 257, 32767, 32768, 65278, 65535, 40000, 1000]
    let png = try values.withUnsafeBytes {
      try encodePNG(
        samples: $0, width: values.count, height: 1, format: UInt32(PNG_FORMAT_LINEAR_Y))
    }
    #expect(pngHeaderFields(png).bitDepth == 16)

    let decoded = try ImageDecoder().decode(png, path: "gray16.png")
    #expect(decoded.channels == 1)
    for (x, value) in values.enumerated() {
      let expected = UInt8((Double(value) * 255 / 65535).rounded())
      #expect(decoded[0, x, 0] == expected, "value \(value)")
    }
  }

  @Test func sixteenBitRGBRoundsToEightBits() throws {
    let (width, height) = (6, 4)
    let values: [UInt16] = (0..<(width * height * 3)).map { UInt16(($0 * 2731) % 65536) }
    let png = try values.withUnsafeBytes {
      try encodePNG(
        samples: $0, width: width, height: height, format: UInt32(PNG_FORMAT_LINEAR_RGB))
    }
    #expect(pngHeaderFields(png) == (16, 2))

    let decoded = try ImageDecoder().decode(png, path: "rgb16.png")
    #expect(decoded.channels == 3)
    for (i, value) in values.enumerated() {
      let expected = UInt8((Double(value) * 255 / 65535).rounded())
      #expect(decoded.pixels[i] == expected, "sample \(i)")
    }
  }

  @Test func sixteenBitRGBAKeepsAlphaAndColour() throws {
    // libpng's linear formats carry associated alpha: colour = straight * alpha.
    let alphas: [UInt16] = [65535, 32768, 0, 13107]
    let straight: [UInt16] = [50000, 20000, 65535]
    var samples: [UInt16] = []
    for alpha in alphas {
      for value in straight {
        samples.append(UInt16((Double(value) * Double(alpha) / 65535).rounded()))
      }
      samples.append(alpha)
    }
    let png = try samples.withUnsafeBytes {
      try encodePNG(
        samples: $0, width: alphas.count, height: 1,
        format: PNG_FORMAT_FLAG_LINEAR | PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
    }
    #expect(pngHeaderFields(png) == (16, 6))

    let decoded = try ImageDecoder().decode(png, path: "rgba16.png")
    #expect(decoded.channels == 4)
    let composited = decoded.converted(toChannels: 3)
    for (x, alpha) in alphas.enumerated() {
      #expect(decoded[0, x, 3] == UInt8((Double(alpha) * 255 / 65535).rounded()), "alpha \(x)")
      for c in 0..<3 {
        let premultiplied = Double(straight[c]) * Double(alpha) / 65535
        let expected = premultiplied * 255 / 65535
        #expect(abs(Double(composited[0, x, c]) - expected) <= 1.5, "pixel \(x) channel \(c)")
      }
    }
  }

  @Test func sixteenBitWithDisplayGammaStaysBright() throws {
    // A 16-bit file tagged with gamma 1/2.2 stores 0.5 for a mid-tone. Read
    // as linear, libpng would return 0.5^2.2 = 0.22 (56 in 8 bits); the
    // decoder reads it as 8-bit sRGB instead, which stays near 128.
    let values: [UInt16] = [32768, 32768]
    let linear = try values.withUnsafeBytes {
      try encodePNG(samples: $0, width: 2, height: 1, format: UInt32(PNG_FORMAT_LINEAR_Y))
    }
    let tagged = replacingGamma(in: linear, with: 45455)
    #expect(tagged != linear)

    let decoded = try ImageDecoder().decode(tagged, path: "gamma.png")
    #expect(abs(Int(decoded[0, 0, 0]) - 128) <= 4)
  }

  @Test func truncatedPNGIsAnError() throws {
    let png = try encodePNG(noiseImage(width: 32, height: 32, channels: 3, seed: 2))
    let truncated = Array(png.prefix(png.count * 2 / 3))
    let error = #expect(throws: ImageError.self) {
      try ImageDecoder().decode(truncated, path: "cut.png")
    }
    guard case .pngDecodingFailed(let path, let message)? = error else {
      Issue.record("expected pngDecodingFailed, got \(String(describing: error))")
      return
    }
    #expect(path == "cut.png")
    #expect(!message.isEmpty)
  }

  @Test func corruptPNGIsAnError() throws {
    var png = try encodePNG(noiseImage(width: 32, height: 32, channels: 3, seed: 2))
    // Damage the middle of the IDAT data, which breaks its CRC.
    for i in (png.count / 2)..<(png.count / 2 + 16) { png[i] ^= 0xFF }
    #expect(throws: ImageError.self) {
      try ImageDecoder().decode(png, path: "corrupt.png")
    }
  }

  @Test(arguments: [1, 3])
  func encoderRoundTripsExactly(channels: Int) throws {
    let original = noiseImage(width: 23, height: 9, channels: channels, seed: 9)
    let png = try PNGEncoder.encode(original)
    #expect(png.withUnsafeBytes { ImageFormat.detect($0) } == .png)
    #expect(try ImageDecoder().decode(png, path: "round.png") == original)
  }

  @Test func encoderWritesFileAtomically() throws {
    let directory = try ImageTestDirectory()
    let path = directory.path + "/grid.png"
    let grid = Image.grid(
      (0..<4).map { noiseImage(width: 8, height: 8, channels: 3, seed: UInt64($0)) }, columns: 2)
    try PNGEncoder.write(grid, toPath: path)

    #expect(try ImageDecoder().decodeFile(atPath: path) == grid)
    #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
  }

  @Test func encoderReportsMissingFolder() throws {
    let image = Image(width: 2, height: 2, channels: 1)
    #expect(throws: ImageError.self) {
      try PNGEncoder.write(image, toPath: "/nonexistent/sgan/grid.png")
    }
  }
}
