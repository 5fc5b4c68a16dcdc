/// The rows collected since the last write, one array per dataset.
struct PendingBlock {
  let capacity: Int
  var rowCount = 0
  var pixels: [UInt8]
  var filenames: [String] = []
  var partitions: [UInt8] = []
  var attributes: [Int8] = []
  var labels: [Int32] = []
  var identities: [Int32] = []

  init(capacity: Int, imageBytes: Int, attributeCount: Int) {
    self.capacity = capacity
    pixels = []
    pixels.reserveCapacity(capacity * imageBytes)
    filenames.reserveCapacity(capacity)
    attributes.reserveCapacity(capacity * attributeCount)
  }

  var isFull: Bool { rowCount == capacity }

  mutating func add(_ row: PackedRow) {
    pixels.append(contentsOf: row.pixels)
    filenames.append(row.filename)
    if let partition = row.partition { partitions.append(partition) }
    if let values = row.attributes { attributes.append(contentsOf: values) }
    if let label = row.label { labels.append(label) }
    if let identity = row.identity { identities.append(identity) }
    rowCount += 1
  }

  /// Empties the block, keeping its storage for the next one.
  mutating func removeAll() {
    rowCount = 0
    pixels.removeAll(keepingCapacity: true)
    filenames.removeAll(keepingCapacity: true)
    partitions.removeAll(keepingCapacity: true)
    attributes.removeAll(keepingCapacity: true)
    labels.removeAll(keepingCapacity: true)
    identities.removeAll(keepingCapacity: true)
  }
}

/// Counts gathered while appending, for the summary that `finish()` returns.
struct RowStatistics {
  var partitionCounts: [DatasetPartition: Int] = [:]
  var labelHistogram: [Int32: Int] = [:]
  var identities: Set<Int32> = []

  mutating func add(_ row: PackedRow) {
    if let code = row.partition, let partition = DatasetPartition(rawValue: code) {
      partitionCounts[partition, default: 0] += 1
    }
    if let label = row.label { labelHistogram[label, default: 0] += 1 }
    if let identity = row.identity { identities.insert(identity) }
  }
}
