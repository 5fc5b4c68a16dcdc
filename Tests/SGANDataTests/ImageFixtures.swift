// Fixtures for the image, importer and pipeline tests, made by the tests
// themselves: JPEGs through TurboJPEG's compressor, PNGs through libpng's
// simplified write API, gzip streams through zlib's deflate.

import CPNG
import CTurboJPEG
import CZlib
import Foundation
import Testing

@testable import SGANData

/// A fresh temporary directory, removed when the value is deinitialised.
final class ImageTestDirectory {
  let path: String

  init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/sgan-images-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `bytes` to `relativePath`, creating the folders on the way, and
  /// returns the full path.
  @discardableResult
  func write(_ bytes: [UInt8], to relativePath: String) throws -> String {
    let full = path + "/" + relativePath
    let folder = (full as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: full))
    return full
  }

  /// Writes UTF-8 text to `relativePath` and returns the full path.
  @discardableResult
  func write(text: String, to relativePath: String) throws -> String {
    try write(Array(text.utf8), to: relativePath)
  }

  /// Creates a folder and returns its full path.
  @discardableResult
  func makeFolder(_ relativePath: String) throws -> String {
    let full = path + "/" + relativePath
    try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
    return full
  }
}

/// Error from a fixture encoder, with the library's message.
struct FixtureError: Error, CustomStringConvertible {
  let description: String
}

// MARK: Pixel patterns

/// Returns an image whose samples encode their position: channel 0 contains
/// the row, channel 1 the column, channel 2 the sum (all modulo 256).
func positionImage(width: Int, height: Int, channels: Int = 3) -> Image {
  var image = Image(width: width, height: height, channels: channels)
  for y in 0..<height {
    for x in 0..<width {
      let values = [y % 256, x % 256, (x + y) % 256, 255]
      for c in 0..<channels { image[y, x, c] = UInt8(values[c]) }
    }
  }
  return image
}

/// Returns an image of pseudo-random samples from a fixed seed (a 64-bit
/// linear congruential generator, so the fixture is the same on every run).
func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64) -> Image {
  var state = seed
  var pixels = [UInt8](repeating: 0, count: width * height * channels)
  for i in pixels.indices {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    pixels[i] = UInt8(truncatingIfNeeded: state >> 56)
  }
  return Image(width: width, height: height, channels: channels, pixels: pixels)
}

/// Returns a smooth image (horizontal and vertical ramps), which JPEG keeps
/// close to the original at quality 100.
func smoothImage(width: Int, height: Int, channels: Int) -> Image {
  var image = Image(width: width, height: height, channels: channels)
  for y in 0..<height {
    for x in 0..<width {
      for c in 0..<channels {
        let value = 40 + (x * 120) / width + (y * 60) / height + c * 10
        image[y, x, c] = UInt8(min(255, value))
      }
    }
  }
  return image
}

// MARK: JPEG

/// Encodes packed samples as a JPEG with TurboJPEG's `tjCompress2`.
///
/// `pixelFormat` is TJPF_GRAY (1 byte per pixel), TJPF_RGB (3) or
/// TJPF_CMYK (4, stored by libjpeg as a YCCK JPEG with an Adobe segment).
func encodeJPEG(
  _ samples: [UInt8], width: Int, height: Int, pixelFormat: TJPF, subsampling: TJSAMP,
  quality: Int32 = 100
) throws -> [UInt8] {
  guard let handle = tjInitCompress() else { throw FixtureError(description: "tjInitCompress") }
  defer { tjDestroy(handle) }

  let bytesPerPixel = samples.count / (width * height)
  var buffer: UnsafeMutablePointer<UInt8>? = nil
  var size: UInt = 0
  let status = samples.withUnsafeBufferPointer { source in
    tjCompress2(
      handle, source.baseAddress, Int32(width), Int32(width * bytesPerPixel), Int32(height),
      Int32(pixelFormat.rawValue), &buffer, &size, Int32(subsampling.rawValue), quality, 0)
  }
  defer { tjFree(buffer) }
  if status != 0 {
    throw FixtureError(description: "tjCompress2: " + String(cString: tjGetErrorStr2(handle)))
  }
  return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
}

/// Encodes a 1-channel image as a gray JPEG or a 3-channel one as a 4:4:4 YCbCr JPEG.
func encodeJPEG(_ image: Image, quality: Int32 = 100) throws -> [UInt8] {
  let gray = image.channels == 1
  return try encodeJPEG(
    image.pixels, width: image.width, height: image.height,
    pixelFormat: gray ? TJPF_GRAY : TJPF_RGB, subsampling: gray ? TJSAMP_GRAY : TJSAMP_444,
    quality: quality)
}

// MARK: PNG

/// Encodes samples with libpng's simplified write API in any `format`
/// (PNG_FORMAT_*), 8-bit or, with PNG_FORMAT_FLAG_LINEAR, 16-bit.
///
/// For colour-mapped formats, `samples` contains one index byte per pixel and
/// `colormap` the entries in the format's layout.
func encodePNG(
  samples: UnsafeRawBufferPointer, width: Int, height: Int, format: UInt32,
  colormap: [UInt8] = [], colormapEntries: Int = 0
) throws -> [UInt8] {
  var header = png_image()
  header.version = png_uint_32(PNG_IMAGE_VERSION)
  header.width = png_uint_32(width)
  header.height = png_uint_32(height)
  header.format = format
  header.colormap_entries = png_uint_32(colormapEntries)

  var size: png_alloc_size_t = 0
  let measured = colormap.withUnsafeBytes { map in
    png_image_write_to_memory(
      &header, nil, &size, 0, samples.baseAddress, 0, colormap.isEmpty ? nil : map.baseAddress)
  }
  if measured == 0 { throw FixtureError(description: "png measure: \(libpngMessage(header))") }

  var output = [UInt8](repeating: 0, count: Int(size))
  let written = colormap.withUnsafeBytes { map in
    output.withUnsafeMutableBytes { target in
      png_image_write_to_memory(
        &header, target.baseAddress, &size, 0, samples.baseAddress, 0,
        colormap.isEmpty ? nil : map.baseAddress)
    }
  }
  if written == 0 { throw FixtureError(description: "png write: \(libpngMessage(header))") }
  return Array(output[0..<Int(size)])
}

/// Encodes an 8-bit image of 1 to 4 channels as a PNG of the matching colour type.
func encodePNG(_ image: Image) throws -> [UInt8] {
  let formats: [UInt32] = [
    0, PNG_FORMAT_FLAG_ALPHA, PNG_FORMAT_FLAG_COLOR, PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA,
  ]
  return try image.pixels.withUnsafeBytes {
    try encodePNG(
      samples: $0, width: image.width, height: image.height, format: formats[image.channels - 1])
  }
}

/// Returns the IHDR bit depth and colour type of a PNG file.
func pngHeaderFields(_ png: [UInt8]) -> (bitDepth: UInt8, colorType: UInt8) {
  (png[24], png[25])
}

/// Replaces the data of the first gAMA chunk and updates its CRC.
func replacingGamma(in png: [UInt8], with gamma: UInt32) -> [UInt8] {
  var bytes = png
  var offset = 8
  while offset + 8 <= bytes.count {
    let length =
      Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
      | Int(bytes[offset + 3])
    let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
    if type == "gAMA" {
      for i in 0..<4 { bytes[offset + 8 + i] = UInt8(truncatingIfNeeded: gamma >> (24 - 8 * i)) }
      let crc = bytes[offset + 4..<offset + 12].withUnsafeBufferPointer {
        crc32(0, $0.baseAddress, 8)
      }
      for i in 0..<4 { bytes[offset + 12 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
      return bytes
    }
    offset += 12 + length
  }
  return bytes
}

// MARK: gzip and IDX

/// Compresses `bytes` into a gzip stream with zlib's deflate (windowBits 31
/// selects the gzip wrapper).
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
  var stream = z_stream()
  let initStatus = deflateInit2_(
    &stream, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
    Int32(MemoryLayout<z_stream>.size))
  if initStatus != Z_OK { throw FixtureError(description: "deflateInit2: \(initStatus)") }
  defer { deflateEnd(&stream) }

  let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 64
  var output = [UInt8](repeating: 0, count: bound)
  var input = bytes
  let status = input.withUnsafeMutableBufferPointer { source in
    output.withUnsafeMutableBufferPointer { target in
      stream.next_in = source.baseAddress
      stream.avail_in = uInt(source.count)
      stream.next_out = target.baseAddress
      stream.avail_out = uInt(target.count)
      return deflate(&stream, Z_FINISH)
    }
  }
  if status != Z_STREAM_END { throw FixtureError(description: "deflate: \(status)") }
  return Array(output[0..<Int(stream.total_out)])
}

/// Returns an IDX file: the magic number, the sizes, then the data.
func idxFile(magic: UInt32, dimensions: [Int], data: [UInt8]) -> [UInt8] {
  var bytes: [UInt8] = []
  func append32(_ value: UInt32) {
    for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }
  append32(magic)
  for size in dimensions { append32(UInt32(size)) }
  bytes.append(contentsOf: data)
  return bytes
}

/// Returns `count` 1-channel images of `rows` x `columns` whose pixels encode
/// the image index, row and column, as IDX data.
func idxPixels(count: Int, rows: Int, columns: Int) -> [UInt8] {
  var data: [UInt8] = []
  for n in 0..<count {
    for y in 0..<rows {
      for x in 0..<columns { data.append(UInt8((n * 31 + y * 7 + x) % 256)) }
    }
  }
  return data
}

// MARK: Comparison

/// Returns the largest absolute sample difference between two equally sized images.
func maximumDifference(_ a: Image, _ b: Image) -> Int {
  zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// Returns a 64-bit FNV-1a checksum of a byte sequence.
func checksum<Bytes: Sequence>(_ bytes: Bytes, into hash: inout UInt64)
where Bytes.Element == UInt8 {
  for byte in bytes {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01B3
  }
}
