import Foundation

/// A packed dataset file (format version 1), open read-only.
///
/// Opening checks the format version and the shape and element type of every dataset
/// present, so later reads cannot meet a malformed file. Per-image fields are read on demand.
/// Not thread-safe: one thread at a time reads through an instance.
public final class PackedDataset {
  /// The file's path.
  public let path: String

  /// The number of images.
  public let count: Int

  /// The shape of every image.
  public let shape: PackedImageShape

  /// The `format_version` attribute.
  public let formatVersion: Int

  /// The `source_kind` attribute: `celeba`, `idx` or `folder`.
  public let sourceKind: String

  /// The crop, output size and filter the packer applied.
  public let preprocessing: Preprocessing

  /// The names of the columns of `/attributes`, or `nil` when the file has none.
  public let attributeNames: [String]?

  /// The stored `content_crc32`, or `nil` when absent.
  public let storedChecksum: UInt32?

  public let toolName: String?
  public let toolVersion: String?
  /// The `created_at` attribute, ISO 8601 in UTC.
  public let createdAt: String?

  /// The rows per `/images` chunk, or `nil` for unchunked storage.
  public let imagesPerChunk: Int?

  public let hasPartition: Bool
  public let hasLabels: Bool
  public let hasIdentities: Bool

  private let file: HDF5File
  private let images: HDF5Dataset

  /// Opens and validates the file at `path`.
  ///
  /// - Parameter chunkCacheBytes: The `/images` chunk cache; `nil` for HDF5's 1 MiB default.
  ///   Random row reads want room for several chunks.
  /// - Throws: `PackedDatasetError` naming the file and the problem, which is one of a
  ///   missing file, not HDF5, missing `/images` or `format_version`, unknown version, wrong
  ///   rank or element type, or per-image datasets of the wrong length. `HDF5Error` for
  ///   failures inside HDF5.
  public init(path: String, chunkCacheBytes: Int? = nil) throws {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw PackedDatasetError.fileNotFound(path: path)
    }
    guard !isFolder.boolValue else {
      throw PackedDatasetError.isFolder(path: path)
    }
    guard try HDF5File.isHDF5(path: path) else {
      throw PackedDatasetError.notHDF5(path: path)
    }
    let file = try HDF5File.open(path: path)
    guard try file.contains(PackedDatasetFormat.images) else {
      throw PackedDatasetError.missingDataset(path: path, dataset: PackedDatasetFormat.images)
    }

    typealias Root = PackedDatasetFormat.Root
    guard try file.hasAttribute(Root.formatVersion) else {
      throw PackedDatasetError.missingAttribute(
        path: path, object: "/", attribute: Root.formatVersion)
    }
    let formatVersion = Int(try file.readAttribute(Root.formatVersion, as: Int64.self))
    guard formatVersion == PackedDatasetFormat.version else {
      throw PackedDatasetError.unsupportedVersion(path: path, found: formatVersion)
    }

    let images = try file.openDataset(PackedDatasetFormat.images, chunkCacheBytes: chunkCacheBytes)
    let imagesShape = try images.shape()
    guard imagesShape.count == 4, imagesShape.dropFirst().allSatisfy({ $0 > 0 }) else {
      throw PackedDatasetError.wrongRank(
        path: path, dataset: PackedDatasetFormat.images, expected: 4, found: imagesShape)
    }
    try PackedDataset.expectType(
      .integer(bytes: 1, signed: false), of: images, path: path)

    self.path = path
    self.file = file
    self.images = images
    self.formatVersion = formatVersion
    self.count = imagesShape[0]
    self.shape = PackedImageShape(
      height: imagesShape[1], width: imagesShape[2], channels: imagesShape[3])
    self.imagesPerChunk = try images.chunkShape()?.first

    let attributes = RootAttributes(file: file, path: path)
    self.sourceKind = try attributes.requiredString(Root.sourceKind)
    self.preprocessing = Preprocessing(
      cropTop: try attributes.integer(Root.cropTop),
      cropLeft: try attributes.integer(Root.cropLeft),
      cropHeight: try attributes.integer(Root.cropHeight),
      cropWidth: try attributes.integer(Root.cropWidth),
      outputHeight: try attributes.integer(Root.outputHeight) ?? imagesShape[1],
      outputWidth: try attributes.integer(Root.outputWidth) ?? imagesShape[2],
      filter: try attributes.string(Root.resamplingFilter) ?? "unknown",
      notes: try attributes.string(Root.preprocessingNotes))
    self.toolName = try attributes.string(Root.toolName)
    self.toolVersion = try attributes.string(Root.toolVersion)
    self.createdAt = try attributes.string(Root.createdAt)
    self.storedChecksum = try attributes.integer(Root.contentCRC32).map {
      UInt32(truncatingIfNeeded: $0)
    }

    for (name, expected) in [
      (Root.outputHeight, shape.height), (Root.outputWidth, shape.width),
      (Root.channels, shape.channels),
    ] {
      if let found = try attributes.integer(name), found != expected {
        throw PackedDatasetError.shapeMismatch(
          path: path, attribute: name, expected: expected, found: found)
      }
    }

    let hasFilenames = try PackedDataset.expectList(
      PackedDatasetFormat.filenames, in: file, path: path, count: count, type: nil)
    guard hasFilenames else {
      throw PackedDatasetError.missingDataset(path: path, dataset: PackedDatasetFormat.filenames)
    }
    self.hasPartition = try PackedDataset.expectList(
      PackedDatasetFormat.partition, in: file, path: path, count: count,
      type: .integer(bytes: 1, signed: false))
    self.hasLabels = try PackedDataset.expectList(
      PackedDatasetFormat.labels, in: file, path: path, count: count,
      type: .integer(bytes: 4, signed: true))
    self.hasIdentities = try PackedDataset.expectList(
      PackedDatasetFormat.identities, in: file, path: path, count: count,
      type: .integer(bytes: 4, signed: true))
    self.attributeNames = try PackedDataset.attributeNames(in: file, path: path, count: count)
  }

  // MARK: Per-image fields

  /// Reads `/partition`, one `DatasetPartition` raw value per image, or `nil` when absent.
  public func partitions() throws -> [UInt8]? {
    guard hasPartition else { return nil }
    return try file.openDataset(PackedDatasetFormat.partition).read(as: UInt8.self)
  }

  /// Returns the rows of `split` in ascending order: every row for `.all`, else the rows
  /// whose `/partition` code matches.
  ///
  /// - Throws: `PackedDatasetError.noPartition` for a partition split when the file has no
  ///   `/partition`, and `.invalidPartitionCode` for a code other than 0, 1 or 2.
  public func rows(in split: DatasetSplit) throws -> [Int] {
    guard let partition = split.partition else { return Array(0..<count) }
    guard let codes = try partitions() else {
      throw PackedDatasetError.noPartition(path: path, split: split)
    }
    var rows: [Int] = []
    for (row, code) in codes.enumerated() {
      guard DatasetPartition(rawValue: code) != nil else {
        throw PackedDatasetError.invalidPartitionCode(path: path, row: row, code: code)
      }
      if code == partition.rawValue { rows.append(row) }
    }
    return rows
  }

  /// Reads `/labels`, or returns `nil` when absent.
  public func labels() throws -> [Int32]? {
    guard hasLabels else { return nil }
    return try file.openDataset(PackedDatasetFormat.labels).read(as: Int32.self)
  }

  /// Reads `/identities`, or returns `nil` when absent.
  public func identities() throws -> [Int32]? {
    guard hasIdentities else { return nil }
    return try file.openDataset(PackedDatasetFormat.identities).read(as: Int32.self)
  }

  /// Reads `/attributes` as `[count, K]` values in row-major order, or `nil` when absent.
  public func attributes() throws -> [Int8]? {
    guard attributeNames != nil else { return nil }
    return try file.openDataset(PackedDatasetFormat.attributes).read(as: Int8.self)
  }

  /// Reads `/filenames`, entries `rows` or all of them.
  public func filenames(rows: Range<Int>? = nil) throws -> [String] {
    try file.openDataset(PackedDatasetFormat.filenames).readStrings(rows: rows)
  }

  /// Reads `/skipped/filenames` and `/skipped/reasons`; empty when the packer skipped none.
  public func skippedFiles() throws -> [SkippedFile] {
    guard try file.contains(PackedDatasetFormat.skippedFilenames) else { return [] }
    let names = try file.openDataset(PackedDatasetFormat.skippedFilenames).readStrings()
    let reasons = try file.openDataset(PackedDatasetFormat.skippedReasons).readStrings()
    guard names.count == reasons.count else {
      throw PackedDatasetError.lengthMismatch(
        path: path, dataset: PackedDatasetFormat.skippedReasons, expected: names.count,
        found: reasons.count)
    }
    return zip(names, reasons).map { SkippedFile(filename: $0, reason: $1) }
  }

  // MARK: Images

  /// Reads images `rows` into `buffer`, which must hold exactly `rows.count` images, each
  /// `[H, W, C]` (HWC).
  public func readImages(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<UInt8>)
    throws
  {
    try images.read(rows: rows, into: buffer)
  }

  /// Reads images `rows`, `[rows.count, H, W, C]`.
  public func readImages(rows: Range<Int>) throws -> [UInt8] {
    try images.read(rows: rows, as: UInt8.self)
  }

  /// Reads the images `sortedRows` (ascending, no repeats) into `buffer` in that order, one
  /// HDF5 read per run of consecutive rows; the chunk cache set at `init` decides whether a
  /// chunk that contains several of the rows is decompressed once or once per run.
  public func readImages(sortedRows: [Int], into buffer: UnsafeMutableBufferPointer<UInt8>)
    throws
  {
    try images.read(sortedRows: sortedRows, into: buffer)
  }

  /// Reads the images at `indices`, in any order and with repeats, `[indices.count, H, W, C]`.
  public func readImages(indices: [Int]) throws -> [UInt8] {
    let sortedRows = Array(Set(indices)).sorted()
    var sortedImages = [UInt8](repeating: 0, count: sortedRows.count * shape.byteCount)
    try sortedImages.withUnsafeMutableBufferPointer {
      try readImages(sortedRows: sortedRows, into: $0)
    }

    let position = Dictionary(uniqueKeysWithValues: sortedRows.enumerated().map { ($1, $0) })
    let imageBytes = shape.byteCount
    var result = [UInt8](repeating: 0, count: indices.count * imageBytes)
    for (slot, row) in indices.enumerated() {
      let source = position[row]! * imageBytes
      result[(slot * imageBytes)..<((slot + 1) * imageBytes)] =
        sortedImages[source..<(source + imageBytes)]
    }
    return result
  }

  /// Recomputes the CRC-32 of `/images` (see `ContentChecksum`), reading one chunk of rows at
  /// a time.
  public func computeChecksum() throws -> UInt32 {
    let rowsPerRead = max(imagesPerChunk ?? 1, (4 << 20) / shape.byteCount)
    var buffer = [UInt8](repeating: 0, count: rowsPerRead * shape.byteCount)
    var checksum = ContentChecksum()
    var start = 0
    while start < count {
      let end = min(count, start + rowsPerRead)
      try buffer.withUnsafeMutableBufferPointer { whole in
        let part = UnsafeMutableBufferPointer(
          rebasing: whole[0..<((end - start) * shape.byteCount)])
        try readImages(rows: start..<end, into: part)
        checksum.update(UnsafeRawBufferPointer(part))
      }
      start = end
    }
    return checksum.value
  }

  /// Gathers the summary that `sgan-pack info` prints; `verifyChecksum` recomputes the
  /// CRC-32, which reads every image.
  public func summary(verifyChecksum: Bool = false) throws -> PackedDatasetSummary {
    var partitionCounts: [DatasetPartition: Int]?
    if let codes = try partitions() {
      var counts: [DatasetPartition: Int] = [:]
      for code in codes {
        if let partition = DatasetPartition(rawValue: code) { counts[partition, default: 0] += 1 }
      }
      partitionCounts = counts
    }

    var labelHistogram: [Int32: Int]?
    if let labels = try labels() {
      labelHistogram = labels.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    return PackedDatasetSummary(
      path: path, formatVersion: formatVersion, sourceKind: sourceKind, count: count,
      shape: shape, imagesPerChunk: imagesPerChunk, partitionCounts: partitionCounts,
      attributeNames: attributeNames, labelHistogram: labelHistogram,
      identityCount: try identities().map { Set($0).count }, preprocessing: preprocessing,
      toolName: toolName, toolVersion: toolVersion, createdAt: createdAt,
      skippedFiles: try skippedFiles(), storedChecksum: storedChecksum,
      recomputedChecksum: verifyChecksum ? try computeChecksum() : nil)
  }
}
