import Foundation

@testable import SGANData

/// Builds small packed dataset files whose every pixel is a known function of its row.
enum PackedDatasetFixture {
  /// Returns the byte at index `index` (HWC order) of image `row`. The bytes differ across
  /// the first rows of small images, so a mixed-up row or channel shows as a wrong value.
  static func pixel(row: Int, index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: row &* 37 &+ index &* 11 &+ 5)
  }

  /// Returns the `[H, W, C]` bytes of image `row`.
  static func image(row: Int, shape: PackedImageShape) -> [UInt8] {
    (0..<shape.byteCount).map { pixel(row: row, index: $0) }
  }

  /// Returns the partition of row `row` in fixtures with partitions: rows cycle train,
  /// train, validation, test.
  static func partition(row: Int) -> DatasetPartition {
    [.train, .train, .validation, .test][row % 4]
  }

  /// Writes `count` images of `shape` to `path` with optional partitions, labels (`row % 10`),
  /// identities (`row / 3`) and attributes (`[row % 2 == 0 ? 1 : -1, -1]`); returns the
  /// writer's summary.
  @discardableResult
  static func write(
    path: String, count: Int, shape: PackedImageShape, partition: Bool = false,
    labels: Bool = false, identities: Bool = false, attributes: Bool = false,
    imagesPerChunk: Int? = nil, deflateLevel: Int = 4, skipped: [SkippedFile] = []
  ) throws -> PackedDatasetSummary {
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "folder",
      preprocessing: Preprocessing(
        cropTop: 1, cropLeft: 2, cropHeight: 30, cropWidth: 31, outputHeight: shape.height,
        outputWidth: shape.width, filter: "area", notes: "test fixture"),
      attributeNames: attributes ? ["Smiling", "Male"] : nil, hasPartition: partition,
      hasLabels: labels, hasIdentities: identities, deflateLevel: deflateLevel,
      imagesPerChunk: imagesPerChunk, toolName: "fixture", toolVersion: "9.9")
    for row in 0..<count {
      try writer.append(
        PackedRow(
          pixels: image(row: row, shape: shape), filename: "image-\(row).png",
          partition: partition ? self.partition(row: row).rawValue : nil,
          attributes: attributes ? [row % 2 == 0 ? 1 : -1, -1] : nil,
          label: labels ? Int32(row % 10) : nil, identity: identities ? Int32(row / 3) : nil))
    }
    for file in skipped {
      writer.recordSkipped(filename: file.filename, reason: file.reason)
    }
    return try writer.finish()
  }
}

/// Computes a bitwise CRC-32 (reflected polynomial 0xEDB88320, initial and final XOR
/// 0xFFFFFFFF) without zlib, to check `ContentChecksum` and the stored checksum against.
func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 {
      crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
    }
  }
  return crc ^ 0xFFFF_FFFF
}
