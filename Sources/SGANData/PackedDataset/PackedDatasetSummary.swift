/// The contents of a packed dataset file, as `sgan-pack info` prints them.
public struct PackedDatasetSummary: Equatable, Sendable {
  public var path: String
  public var formatVersion: Int
  public var sourceKind: String
  /// The number of images.
  public var count: Int
  public var shape: PackedImageShape
  /// The rows per `/images` chunk, or `nil` for unchunked storage.
  public var imagesPerChunk: Int?
  /// Images per partition, or `nil` when the file has no `/partition`.
  public var partitionCounts: [DatasetPartition: Int]?
  public var attributeNames: [String]?
  /// Images per class label, or `nil` when the file has no `/labels`.
  public var labelHistogram: [Int32: Int]?
  /// The number of distinct identities, or `nil` when the file has no `/identities`.
  public var identityCount: Int?
  public var preprocessing: Preprocessing
  public var toolName: String?
  public var toolVersion: String?
  /// The creation time as stored, ISO 8601 in UTC.
  public var createdAt: String?
  public var skippedFiles: [SkippedFile]
  /// The CRC-32 stored in `content_crc32`, or `nil` when absent.
  public var storedChecksum: UInt32?
  /// The CRC-32 recomputed from `/images`, when verification was requested.
  public var recomputedChecksum: UInt32?

  /// Creates a summary from its parts.
  public init(
    path: String, formatVersion: Int, sourceKind: String, count: Int, shape: PackedImageShape,
    imagesPerChunk: Int?, partitionCounts: [DatasetPartition: Int]?, attributeNames: [String]?,
    labelHistogram: [Int32: Int]?, identityCount: Int?, preprocessing: Preprocessing,
    toolName: String?, toolVersion: String?, createdAt: String?, skippedFiles: [SkippedFile],
    storedChecksum: UInt32?, recomputedChecksum: UInt32?
  ) {
    self.path = path
    self.formatVersion = formatVersion
    self.sourceKind = sourceKind
    self.count = count
    self.shape = shape
    self.imagesPerChunk = imagesPerChunk
    self.partitionCounts = partitionCounts
    self.attributeNames = attributeNames
    self.labelHistogram = labelHistogram
    self.identityCount = identityCount
    self.preprocessing = preprocessing
    self.toolName = toolName
    self.toolVersion = toolVersion
    self.createdAt = createdAt
    self.skippedFiles = skippedFiles
    self.storedChecksum = storedChecksum
    self.recomputedChecksum = recomputedChecksum
  }

  /// Reports whether a recomputed checksum exists and differs from the stored one.
  public var checksumMismatch: Bool {
    guard let recomputedChecksum else { return false }
    return storedChecksum != recomputedChecksum
  }

  /// Renders the summary as aligned `field  value` lines, ending with a newline.
  public func describe() -> String {
    var lines: [(String, String)] = [
      ("file", path),
      ("format", "version \(formatVersion), source \(sourceKind)"),
      ("images", imagesLine()),
      ("splits", splitsLine()),
      ("attributes", attributesLine()),
      ("labels", labelsLine()),
    ]
    if let identityCount {
      lines.append(("identities", "\(identityCount) distinct"))
    }
    lines.append(("preprocessing", preprocessingLine()))
    lines.append(("tool", toolLine()))
    lines.append(("skipped", skippedLine()))
    lines.append(("checksum", checksumLine()))

    let width = lines.map(\.0.count).max() ?? 0
    return lines.map { name, value in
      name + String(repeating: " ", count: width - name.count + 2) + value + "\n"
    }.joined()
  }

  // MARK: Lines

  private func imagesLine() -> String {
    var line = "\(count) x \(shape) (uint8, NHWC)"
    if let imagesPerChunk { line += ", \(imagesPerChunk) images per chunk" }
    return line
  }

  private func splitsLine() -> String {
    guard let partitionCounts else { return "none (one split: all)" }
    return DatasetPartition.allCases.map { "\($0) \(partitionCounts[$0] ?? 0)" }
      .joined(separator: ", ")
  }

  private func attributesLine() -> String {
    guard let attributeNames else { return "none" }
    return "\(attributeNames.count): " + attributeNames.joined(separator: ", ")
  }

  private func labelsLine() -> String {
    guard let labelHistogram else { return "none" }
    let classes = labelHistogram.keys.sorted().map { "\($0): \(labelHistogram[$0]!)" }
    return "\(labelHistogram.count) classes; " + classes.joined(separator: ", ")
  }

  private func preprocessingLine() -> String {
    var parts: [String] = []
    if let height = preprocessing.cropHeight, let width = preprocessing.cropWidth {
      var crop = "crop \(height)x\(width)"
      if let top = preprocessing.cropTop, let left = preprocessing.cropLeft {
        crop += " at top \(top), left \(left)"
      }
      parts.append(crop)
    } else if preprocessing.notes?.contains("crop") != true {
      // A centred square crop has no fixed size; the notes describe it.
      parts.append("no crop")
    }
    parts.append(
      "output \(preprocessing.outputHeight)x\(preprocessing.outputWidth) "
        + "(filter \(preprocessing.filter))")
    if let notes = preprocessing.notes { parts.append(notes) }
    return parts.joined(separator: "; ")
  }

  private func toolLine() -> String {
    let tool = [toolName, toolVersion].compactMap { $0 }.joined(separator: " ")
    let created = createdAt.map { "created \($0)" }
    return [tool.isEmpty ? "unknown" : tool, created].compactMap { $0 }
      .joined(separator: ", ")
  }

  private func skippedLine() -> String {
    guard !skippedFiles.isEmpty else { return "0 files" }
    let shown = skippedFiles.prefix(3).map { "\($0.filename) (\($0.reason))" }
    let more = skippedFiles.count > 3 ? ", ..." : ""
    return "\(skippedFiles.count) files: " + shown.joined(separator: ", ") + more
  }

  private func checksumLine() -> String {
    let stored = storedChecksum.map { "crc32 \(ContentChecksum.hex($0)) stored" } ?? "none stored"
    guard let recomputedChecksum else { return stored }
    let verdict = storedChecksum == recomputedChecksum ? "match" : "MISMATCH"
    return stored + ", \(ContentChecksum.hex(recomputedChecksum)) recomputed: \(verdict)"
  }
}
