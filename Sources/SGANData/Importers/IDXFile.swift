/// An IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST.
///
/// Layout: a 4-byte big-endian magic number 0x000008DD, where 08 is the
/// unsigned-byte type code and DD the number of dimensions. DD big-endian
/// 32-bit sizes follow, then the data, product(sizes) bytes in row-major
/// order. Images are 0x00000803 `[n, rows, columns]`, labels 0x00000801 `[n]`.
/// The file may be gzip-compressed.
public struct IDXFile: Sendable {
  /// The magic number of an images file: unsigned bytes, 3 dimensions.
  public static let imagesMagic: UInt32 = 0x0000_0803

  /// The magic number of a labels file: unsigned bytes, 1 dimension.
  public static let labelsMagic: UInt32 = 0x0000_0801

  /// The sizes from the header, outermost first.
  public let dimensions: [Int]

  /// The data, `product(dimensions)` bytes in row-major order.
  public let data: [UInt8]

  /// Reads and validates an IDX file with the expected magic number.
  ///
  /// - Throws: `ImportError.idxWrongMagic` for another magic number,
  ///   `.idxSizeMismatch` when the data is shorter (truncated) or longer than
  ///   the header states, `.gzipFailed` and `.unreadableFile`.
  public init(path: String, expectedMagic: UInt32) throws {
    let bytes = try readPossiblyCompressedFile(atPath: path)
    func readUInt32(at offset: Int) -> UInt32 {
      UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
        | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    let dimensionCount = Int(expectedMagic & 0xFF)
    let headerSize = 4 + 4 * dimensionCount
    guard bytes.count >= 4 else {
      throw ImportError.idxSizeMismatch(
        path: path, expectedBytes: headerSize, foundBytes: bytes.count)
    }
    let magic = readUInt32(at: 0)
    if magic != expectedMagic {
      throw ImportError.idxWrongMagic(path: path, found: magic, expected: expectedMagic)
    }
    guard bytes.count >= headerSize else {
      throw ImportError.idxSizeMismatch(
        path: path, expectedBytes: headerSize, foundBytes: bytes.count)
    }

    let dimensions = (0..<dimensionCount).map { Int(readUInt32(at: 4 + 4 * $0)) }
    let (dataSize, overflow) = dimensions.reduce((1, false)) { partial, size in
      let (product, overflowed) = partial.0.multipliedReportingOverflow(by: size)
      return (product, partial.1 || overflowed)
    }
    let found = bytes.count - headerSize
    if overflow || dataSize != found {
      throw ImportError.idxSizeMismatch(
        path: path, expectedBytes: overflow ? Int.max : dataSize, foundBytes: found)
    }

    self.dimensions = dimensions
    self.data = Array(bytes[headerSize...])
  }
}
