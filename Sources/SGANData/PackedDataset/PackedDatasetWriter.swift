import Foundation

/// Writes a packed dataset file (format version 1) row by row, in bounded memory.
///
/// Rows collect in a block of `rowsPerWrite` rows (whole chunks, about 1 MiB of pixels),
/// which is written when full, so memory stays at one block whatever the dataset size. The file is written
/// under `<path>.tmp-<pid>` and appears at `path` only when `finish()` succeeds. `abandon()`,
/// a thrown error, or releasing the writer before `finish()` deletes the temporary file.
///
/// Not thread-safe: one thread appends and finishes.
public final class PackedDatasetWriter {
  /// The final path of the file.
  public var path: String { output.path }

  /// The shape of every image.
  public let shape: PackedImageShape

  /// The number of rows (images) per `/images` chunk.
  public let imagesPerChunk: Int

  /// The number of rows per write: a whole number of chunks, about 1 MiB of pixels. Writing
  /// whole chunks means HDF5 compresses each chunk once.
  public let rowsPerWrite: Int

  /// The number of rows appended so far.
  public private(set) var count = 0

  private let output: AtomicOutputFile
  private let sourceKind: String
  private let preprocessing: Preprocessing
  private let attributeNames: [String]?
  private let hasPartition: Bool
  private let hasLabels: Bool
  private let hasIdentities: Bool
  private let toolName: String
  private let toolVersion: String

  private var file: HDF5File?
  private var datasets: [String: HDF5Dataset] = [:]
  private var block: PendingBlock
  private var statistics = RowStatistics()
  private var checksum = ContentChecksum()
  private var skipped: [SkippedFile] = []
  private var isFinished = false
  private var createdAt: String?

  /// Creates the temporary file and its datasets.
  ///
  /// - Parameters:
  ///   - path: The final path. Its directory must exist and be writable; an existing file
  ///     there is replaced only by a successful `finish()`.
  ///   - shape: The shape of every image.
  ///   - sourceKind: `celeba`, `idx` or `folder`.
  ///   - preprocessing: The crop, output size and filter, stored as root attributes.
  ///   - attributeNames: The names of the per-image attributes, or `nil` for none.
  ///   - hasPartition, hasLabels, hasIdentities: Which optional per-image fields every row
  ///     carries.
  ///   - deflateLevel: zlib level 1...9 for every dataset, or 0 for no compression.
  ///   - imagesPerChunk: Rows per `/images` chunk; `nil` picks
  ///     `defaultImagesPerChunk(for:)`.
  ///   - toolName, toolVersion: The program that wrote the file.
  /// - Throws: `OutputFileError` when the directory is missing or not writable,
  ///   `HDF5Error` when HDF5 fails to create the file.
  public init(
    path: String, shape: PackedImageShape, sourceKind: String, preprocessing: Preprocessing,
    attributeNames: [String]?, hasPartition: Bool, hasLabels: Bool, hasIdentities: Bool,
    deflateLevel: Int = 4, imagesPerChunk: Int? = nil, toolName: String = "sgan-pack",
    toolVersion: String = PackedDatasetFormat.toolVersion
  ) throws {
    precondition((0...9).contains(deflateLevel), "deflate level \(deflateLevel) is not 0...9")
    precondition(attributeNames?.isEmpty != true, "attributeNames is empty; pass nil for none")
    let imagesPerChunk = imagesPerChunk ?? PackedDatasetWriter.defaultImagesPerChunk(for: shape)
    precondition(imagesPerChunk > 0, "imagesPerChunk \(imagesPerChunk) is not positive")

    self.shape = shape
    self.imagesPerChunk = imagesPerChunk
    let rowsPerWrite = imagesPerChunk * max(1, (1 << 20) / shape.byteCount / imagesPerChunk)
    self.rowsPerWrite = rowsPerWrite
    self.sourceKind = sourceKind
    self.preprocessing = preprocessing
    self.attributeNames = attributeNames
    self.hasPartition = hasPartition
    self.hasLabels = hasLabels
    self.hasIdentities = hasIdentities
    self.toolName = toolName
    self.toolVersion = toolVersion
    self.block = PendingBlock(
      capacity: rowsPerWrite, imageBytes: shape.byteCount,
      attributeCount: attributeNames?.count ?? 0)
    self.output = try AtomicOutputFile(path: path)

    do {
      try createDatasets(deflateLevel: deflateLevel)
    } catch {
      throw fail(error)
    }
  }

  /// Returns the rows per chunk that make an `/images` chunk at most 64 KiB, and at least one
  /// image: 5 images at 64x64x3, 83 at 28x28x1.
  ///
  /// A reader that picks images at random decompresses a whole chunk per image once the file
  /// is much larger than its chunk cache, so small chunks keep random reads cheap. A 64 KiB
  /// chunk is still twice deflate's 32 KiB window, so compression barely suffers. Without
  /// chunk cache hits, a 64x64x3 reader got 10 to 20 times fewer images per second from
  /// 1 MiB chunks (docs/dataset-format.md lists the measurement).
  public static func defaultImagesPerChunk(for shape: PackedImageShape) -> Int {
    max(1, (64 << 10) / shape.byteCount)
  }

  // MARK: Writing

  /// Adds one image, and writes the block to the file each time `rowsPerWrite` rows have
  /// collected.
  ///
  /// The row must carry exactly the optional fields that the writer was created with; a
  /// mismatch is a programmer error and stops the program. On a thrown error the temporary
  /// file is already deleted and the writer cannot be used further.
  public func append(_ row: PackedRow) throws {
    precondition(!isFinished, "append to '\(path)' after finish() or abandon()")
    checkFields(of: row)

    block.add(row)
    statistics.add(row)
    count += 1
    if block.isFull {
      do {
        try writeBlock()
      } catch {
        throw fail(error)
      }
    }
  }

  /// Records a source file that was left out, and why; stored in `/skipped` by `finish()`.
  public func recordSkipped(filename: String, reason: String) {
    precondition(!isFinished, "recordSkipped on '\(path)' after finish() or abandon()")
    skipped.append(SkippedFile(filename: filename, reason: reason))
  }

  /// Writes the last partial block, `/skipped` and the root attributes with the content
  /// checksum, closes the file and renames it to `path`.
  ///
  /// On a thrown error the temporary file is already deleted.
  public func finish() throws -> PackedDatasetSummary {
    precondition(!isFinished, "finish() of '\(path)' after finish() or abandon()")
    do {
      try writeBlock()
      try writeSkipped()
      try writeRootAttributes()
      try closeFile()
      try output.commit()
    } catch {
      throw fail(error)
    }
    isFinished = true
    return summary()
  }

  /// Deletes the temporary file and ends the writer; does nothing after `finish()`.
  public func abandon() {
    guard !isFinished else { return }
    isFinished = true
    closeFileQuietly()
    output.abandon()
  }

  deinit {
    abandon()
  }

  // MARK: Internals

  /// Stops the program when `row` does not match the writer's shape and optional fields.
  private func checkFields(of row: PackedRow) {
    let name = row.filename
    precondition(
      row.pixels.count == shape.byteCount,
      "row '\(name)' has \(row.pixels.count) bytes; \(shape) needs \(shape.byteCount)")
    precondition(
      (row.partition != nil) == hasPartition,
      "row '\(name)': partition must be given exactly when hasPartition is true")
    precondition(
      row.partition.map { DatasetPartition(rawValue: $0) != nil } ?? true,
      "row '\(name)': partition code \(row.partition ?? 0) is not 0, 1 or 2")
    precondition(
      row.attributes?.count == attributeNames?.count,
      "row '\(name)': \(row.attributes?.count ?? 0) attributes for "
        + "\(attributeNames?.count ?? 0) attribute names")
    precondition(
      (row.label != nil) == hasLabels,
      "row '\(name)': label must be given exactly when hasLabels is true")
    precondition(
      (row.identity != nil) == hasIdentities,
      "row '\(name)': identity must be given exactly when hasIdentities is true")
  }

  private func createDatasets(deflateLevel: Int) throws {
    let file = try HDF5File.create(path: output.temporaryPath, overwrite: true)
    self.file = file

    let chunk = imagesPerChunk
    let listChunk = 4096
    datasets[PackedDatasetFormat.images] = try file.createDataset(
      PackedDatasetFormat.images, of: UInt8.self,
      shape: [0, shape.height, shape.width, shape.channels],
      maximumShape: [nil, shape.height, shape.width, shape.channels],
      chunkShape: [chunk, shape.height, shape.width, shape.channels], deflateLevel: deflateLevel)
    datasets[PackedDatasetFormat.filenames] = try file.createStringDataset(
      PackedDatasetFormat.filenames, count: 0, growable: true, chunkCount: 1024,
      deflateLevel: deflateLevel)

    if hasPartition {
      let partition = try file.createDataset(
        PackedDatasetFormat.partition, of: UInt8.self, shape: [0], maximumShape: [nil],
        chunkShape: [listChunk], deflateLevel: deflateLevel)
      try partition.writeAttribute(
        PackedDatasetFormat.namesAttribute, DatasetPartition.allCases.map(\.description))
      datasets[PackedDatasetFormat.partition] = partition
    }
    if let attributeNames {
      let attributes = try file.createDataset(
        PackedDatasetFormat.attributes, of: Int8.self, shape: [0, attributeNames.count],
        maximumShape: [nil, attributeNames.count], chunkShape: [listChunk, attributeNames.count],
        deflateLevel: deflateLevel)
      try attributes.writeAttribute(PackedDatasetFormat.namesAttribute, attributeNames)
      datasets[PackedDatasetFormat.attributes] = attributes
    }
    for (name, present) in [
      (PackedDatasetFormat.labels, hasLabels), (PackedDatasetFormat.identities, hasIdentities),
    ] where present {
      datasets[name] = try file.createDataset(
        name, of: Int32.self, shape: [0], maximumShape: [nil], chunkShape: [listChunk],
        deflateLevel: deflateLevel)
    }
  }

  /// Appends the pending block to every dataset and feeds its pixels to the checksum.
  private func writeBlock() throws {
    guard block.rowCount > 0 else { return }

    try dataset(PackedDatasetFormat.images).append(block.pixels)
    checksum.update(block.pixels)
    try dataset(PackedDatasetFormat.filenames).appendStrings(block.filenames)
    if hasPartition {
      try dataset(PackedDatasetFormat.partition).append(block.partitions)
    }
    if attributeNames != nil {
      try dataset(PackedDatasetFormat.attributes).append(block.attributes)
    }
    if hasLabels {
      try dataset(PackedDatasetFormat.labels).append(block.labels)
    }
    if hasIdentities {
      try dataset(PackedDatasetFormat.identities).append(block.identities)
    }
    block.removeAll()
  }

  private func writeSkipped() throws {
    guard !skipped.isEmpty, let file else { return }
    for (name, values) in [
      (PackedDatasetFormat.skippedFilenames, skipped.map(\.filename)),
      (PackedDatasetFormat.skippedReasons, skipped.map(\.reason)),
    ] {
      let dataset = try file.createStringDataset(name, count: values.count)
      try dataset.writeStrings(values, rows: 0..<values.count)
      try dataset.close()
    }
  }

  private func writeRootAttributes() throws {
    guard let file else { return }
    typealias Root = PackedDatasetFormat.Root
    try file.writeAttribute(Root.formatVersion, Int64(PackedDatasetFormat.version))
    try file.writeAttribute(Root.sourceKind, sourceKind)

    let crop = [
      (Root.cropTop, preprocessing.cropTop), (Root.cropLeft, preprocessing.cropLeft),
      (Root.cropHeight, preprocessing.cropHeight), (Root.cropWidth, preprocessing.cropWidth),
    ]
    for (name, value) in crop {
      if let value { try file.writeAttribute(name, Int64(value)) }
    }
    try file.writeAttribute(Root.outputHeight, Int64(preprocessing.outputHeight))
    try file.writeAttribute(Root.outputWidth, Int64(preprocessing.outputWidth))
    try file.writeAttribute(Root.channels, Int64(shape.channels))
    try file.writeAttribute(Root.resamplingFilter, preprocessing.filter)
    if let notes = preprocessing.notes {
      try file.writeAttribute(Root.preprocessingNotes, notes)
    }

    try file.writeAttribute(Root.toolName, toolName)
    try file.writeAttribute(Root.toolVersion, toolVersion)
    let createdAt = PackedDatasetWriter.timestamp(Date())
    self.createdAt = createdAt
    try file.writeAttribute(Root.createdAt, createdAt)
    try file.writeAttribute(Root.contentCRC32, checksum.value)
    try file.writeAttribute(Root.contentChecksumMethod, PackedDatasetFormat.checksumMethod)
  }

  /// Closes every dataset, then the file, so that no handle keeps it open when it is renamed.
  private func closeFile() throws {
    for dataset in datasets.values { try dataset.close() }
    datasets = [:]
    try file?.flush()
    try file?.close()
    file = nil
  }

  // NOTE: after a full disk, H5Fclose can fail half-way through its final flush. HDF5 1.10.8
  // then keeps the file's descriptor and memory until the process exits. The temporary file
  // is still truncated and deleted, so its space comes back.
  private func closeFileQuietly() {
    for dataset in datasets.values { try? dataset.close() }
    datasets = [:]
    try? file?.close()
    file = nil
  }

  /// Deletes the temporary file and returns the error to throw: a full disk becomes
  /// `OutputFileError.diskFull` naming the final path.
  private func fail(_ error: Error) -> Error {
    abandon()
    if let error = error as? HDF5Error, let number = error.systemErrorNumber,
      number == ENOSPC || number == EDQUOT
    {
      return OutputFileError.diskFull(path: path)
    }
    return error
  }

  private func dataset(_ name: String) -> HDF5Dataset {
    guard let dataset = datasets[name] else {
      preconditionFailure("dataset \(name) of '\(path)' is not open")
    }
    return dataset
  }

  private func summary() -> PackedDatasetSummary {
    PackedDatasetSummary(
      path: path, formatVersion: PackedDatasetFormat.version, sourceKind: sourceKind,
      count: count, shape: shape, imagesPerChunk: imagesPerChunk,
      partitionCounts: hasPartition ? statistics.partitionCounts : nil,
      attributeNames: attributeNames,
      labelHistogram: hasLabels ? statistics.labelHistogram : nil,
      identityCount: hasIdentities ? statistics.identities.count : nil,
      preprocessing: preprocessing, toolName: toolName, toolVersion: toolVersion,
      createdAt: createdAt, skippedFiles: skipped, storedChecksum: checksum.value,
      recomputedChecksum: nil)
  }

  /// Formats `date` as ISO 8601 in UTC, such as `2025-01-31T12:00:00Z`.
  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
