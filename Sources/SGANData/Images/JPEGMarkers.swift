/// Readers for the JPEG marker segments that TurboJPEG's API does not expose.
enum JPEGMarkers {
  /// Returns whether the header contains an APP14 segment whose data starts
  /// with "Adobe", the sign of Adobe's inverted CMYK convention.
  ///
  /// Walks the segments from SOI up to the first SOS (start of scan): each is
  /// FF, a marker byte, and a 2-byte big-endian length that counts itself.
  static func hasAdobeSegment(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let adobe: [UInt8] = Array("Adobe".utf8)
    var offset = 2
    while offset + 4 <= bytes.count {
      guard bytes[offset] == 0xFF else { return false }
      let marker = bytes[offset + 1]

      // Fill bytes (FF FF) and markers without a length: TEM and RST0-7.
      if marker == 0xFF {
        offset += 1
        continue
      }
      if marker == 0x01 || (0xD0...0xD7).contains(marker) {
        offset += 2
        continue
      }

      // SOS ends the header; EOI ends the file.
      if marker == 0xDA || marker == 0xD9 { return false }

      let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
      if length < 2 { return false }
      let dataStart = offset + 4
      if marker == 0xEE && length >= 2 + adobe.count && dataStart + adobe.count <= bytes.count {
        if zip(bytes[dataStart..<dataStart + adobe.count], adobe).allSatisfy({ $0 == $1 }) {
          return true
        }
      }
      offset += 2 + length
    }
    return false
  }
}
