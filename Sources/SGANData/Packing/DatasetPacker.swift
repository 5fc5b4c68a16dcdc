/// Decodes, prepares and writes an imported dataset into one packed HDF5 file.
///
/// Decoding and resizing run on `threads` workers in blocks (``DecodePipeline``); the writer
/// receives rows strictly in import order, so every metadata array stays aligned with the
/// images and memory stays bounded by two blocks whatever the dataset's size. The output
/// appears under its final name only when complete: any error, or a skipped row without
/// `skipBad`, leaves nothing behind.
public struct DatasetPacker: Sendable {
  /// The preprocessing of every image.
  public var preparation: ImagePreparation

  /// Worker threads for decoding and resizing.
  public var threads: Int

  /// Whether an unreadable image is recorded in `/skipped` instead of failing the run.
  public var skipBad: Bool

  /// zlib level of every dataset, 0 for none.
  public var deflateLevel: Int

  /// Creates a packer.
  public init(preparation: ImagePreparation, threads: Int, skipBad: Bool = false, deflateLevel: Int = 4)
  {
    self.preparation = preparation
    self.threads = threads
    self.skipBad = skipBad
    self.deflateLevel = deflateLevel
  }

  /// Packs `dataset` into `outputPath`, calling `progress` after each block of rows with the
  /// number of rows handled so far, and returns the summary of the written file. An error
  /// thrown by `progress` stops packing and removes the partial output.
  /// - Throws: `ImportError` when the dataset is empty, `PipelineError` naming the first bad
  ///   file (without `skipBad`), `OutputFileError` or `HDF5Error` for output failures.
  public func pack(
    _ dataset: ImportedDataset, to outputPath: String, progress: (Int) throws -> Void = { _ in }
  ) throws -> PackedDatasetSummary {
    let shape = PackedImageShape(
      height: preparation.outputHeight, width: preparation.outputWidth,
      channels: preparation.channels)
    let writer = try PackedDatasetWriter(
      path: outputPath, shape: shape, sourceKind: dataset.kind.rawValue,
      preprocessing: preprocessingRecord(),
      attributeNames: dataset.attributeNames.isEmpty ? nil : dataset.attributeNames,
      hasPartition: dataset.partitions != nil, hasLabels: dataset.labels != nil,
      hasIdentities: dataset.identities != nil, deflateLevel: deflateLevel)

    do {
      let attributeCount = dataset.attributeNames.count
      let pipeline = DecodePipeline(threadCount: threads, skipBad: skipBad)
      var handled = 0
      try pipeline.run(dataset, preparation: preparation) { index, outcome in
        let item = dataset.items[index]
        switch outcome {
        case .pixels(let pixels):
          let attributes = dataset.attributes.map { values in
            Array(values[(index * attributeCount)..<((index + 1) * attributeCount)])
          }
          try writer.append(
            PackedRow(
              pixels: pixels, filename: item.name, partition: dataset.partitions?[index],
              attributes: attributes, label: dataset.labels?[index],
              identity: dataset.identities?[index]))
        case .skipped(let reason):
          writer.recordSkipped(filename: item.name, reason: reason)
        }
        handled += 1
        if handled % pipeline.blockSize == 0 || handled == dataset.count {
          try progress(handled)
        }
      }
      if writer.count == 0 {
        throw PackingError.everyImageSkipped(path: outputPath, count: dataset.count)
      }
      return try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
  }

  /// The preprocessing attributes stored in the file's root.
  func preprocessingRecord() -> Preprocessing {
    var record = Preprocessing(
      outputHeight: preparation.outputHeight, outputWidth: preparation.outputWidth,
      filter: preparation.fit == .resize ? preparation.filter.rawValue : "none",
      notes: preparation.summary)
    switch preparation.crop {
    case .centered(let height, let width):
      record.cropHeight = height
      record.cropWidth = width
    case .box(let box):
      record.cropTop = box.top
      record.cropLeft = box.left
      record.cropHeight = box.height
      record.cropWidth = box.width
    case .none, .centeredSquare:
      break
    }
    return record
  }
}

/// A packing run that cannot produce a useful file.
public enum PackingError: Error, CustomStringConvertible, Equatable, Sendable {
  /// `--skip-bad` skipped every image, so the output would be empty.
  case everyImageSkipped(path: String, count: Int)

  /// The content checksum recomputed from `/images` differs from the stored one.
  case checksumMismatch(path: String, stored: UInt32, computed: UInt32)

  public var description: String {
    switch self {
    case .checksumMismatch(let path, let stored, let computed):
      return "'\(path)': /images has checksum \(ContentChecksum.hex(computed)) but the file "
        + "stores \(ContentChecksum.hex(stored)), so the images changed after packing; repack it"
    case .everyImageSkipped(let path, let count):
      return "all \(count) images were unreadable, so '\(path)' was not written; "
        + "check that the input holds JPEG or PNG images"
    }
  }
}
