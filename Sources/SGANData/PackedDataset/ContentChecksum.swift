import CZlib

/// A running CRC-32 (zlib's `crc32`, the checksum of gzip and PNG), fed bytes in order.
///
/// The packed format stores the CRC-32 of all `/images` bytes in row-major order, so Python
/// recomputes it with `zlib.crc32(f["images"][...].tobytes())`, or block by block with
/// `crc = zlib.crc32(block.tobytes(), crc)` starting from `crc = 0`.
public struct ContentChecksum: Sendable {
  /// The CRC-32 of the bytes fed so far; 0 before any bytes.
  public private(set) var value: UInt32 = 0

  /// Creates a checksum of zero bytes.
  public init() {}

  /// Feeds `bytes` after those fed before.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    // zlib's length argument is 32-bit, so long buffers go in pieces.
    var offset = 0
    var crc = UInt(value)
    while offset < bytes.count {
      let length = min(bytes.count - offset, Int(UInt32.max))
      crc = crc32(
        crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(length))
      offset += length
    }
    value = UInt32(truncatingIfNeeded: crc)
  }

  /// Feeds `bytes` after those fed before.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Renders a CRC-32 as 8 lower-case hex digits, as `format(crc, "08x")` does in Python.
  public static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
