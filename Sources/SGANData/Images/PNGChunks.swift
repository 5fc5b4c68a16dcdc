/// Readers for the PNG chunks that libpng's simplified API does not expose.
enum PNGChunks {
  /// Returns whether the header tags the samples as non-linear: an sRGB
  /// chunk, or a gAMA chunk whose value is off 1.0 by more than 5 %.
  ///
  /// After the 8-byte signature each chunk is a 4-byte big-endian data length,
  /// a 4-byte type, the data and a 4-byte CRC. Colour-space chunks must come
  /// before the first IDAT, so the walk stops there. gAMA stores gamma times
  /// 100000. The 5 % tolerance is libpng 1.6's PNG_GAMMA_THRESHOLD_FIXED
  /// (5000, in pnglibconf.h), below which libpng skips gamma correction.
  static func declaresNonlinearGamma(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 8
    while offset + 8 <= bytes.count {
      let length = readBigEndian32(bytes, at: offset)
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let dataStart = offset + 8

      switch type {
      case "IDAT", "IEND":
        return false
      case "sRGB":
        return true
      case "gAMA" where length == 4 && dataStart + 4 <= bytes.count:
        let gamma = readBigEndian32(bytes, at: dataStart)
        return gamma < 95_000 || gamma > 105_000
      default:
        break
      }
      offset = dataStart + length + 4
    }
    return false
  }

  private static func readBigEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
    Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
      | Int(bytes[offset + 3])
  }
}
