/// A decoder for JPEG and PNG files that picks the codec from the magic bytes.
///
/// The file name's extension plays no part: a PNG named `.jpg` decodes as
/// PNG, and an HTML page named `.jpg` is rejected as "not a JPEG or PNG image".
///
/// It owns a TurboJPEG handle, so it is not thread-safe: give each worker
/// thread its own decoder.
public final class ImageDecoder {
  private let jpegDecoder: JPEGDecoder

  /// Creates a decoder.
  ///
  /// - Throws: `ImageError.jpegDecodingFailed` when TurboJPEG cannot allocate
  ///   its handle.
  public init() throws {
    jpegDecoder = try JPEGDecoder()
  }

  /// Decodes an image held in memory.
  ///
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - path: the file name that error messages report.
  /// - Throws: `ImageError.emptyFile`, `.unrecognizedFormat`,
  ///   `.jpegDecodingFailed` or `.pngDecodingFailed`.
  public func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Image {
    if bytes.isEmpty { throw ImageError.emptyFile(path: path) }
    switch ImageFormat.detect(bytes) {
    case .jpeg:
      return try jpegDecoder.decode(bytes, path: path)
    case .png:
      return try PNGDecoder.decode(bytes, path: path)
    case nil:
      throw ImageError.unrecognizedFormat(path: path, firstBytes: Array(bytes.prefix(8)))
    }
  }

  /// Decodes an image held in memory.
  public func decode(_ bytes: [UInt8], path: String) throws -> Image {
    try bytes.withUnsafeBytes { try decode($0, path: path) }
  }

  /// Reads and decodes the file at `path`.
  ///
  /// - Throws: `ImageError.unreadableFile` besides the errors of `decode`.
  public func decodeFile(atPath path: String) throws -> Image {
    try decode(try readFileBytes(atPath: path), path: path)
  }
}
