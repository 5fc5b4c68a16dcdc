/// The source of a batch's images for the prefetch thread, which alone uses it: a copy of the
/// split in memory, or reads from the file per batch.
protocol BatchImageSource: AnyObject {
  /// Converts the images at split positions `positions` into `destination`, an `[N, C, H, W]`
  /// batch with `N = positions.count`, image `n` from `positions[n]`.
  func fill(positions: ArraySlice<Int>, into destination: UnsafeMutablePointer<Float>) throws
}

/// Keeps every image of the split in memory as `uint8`, loaded once in row order, so a batch
/// costs only the conversion.
final class CachedImageSource: BatchImageSource {
  private let shape: PackedImageShape
  private let table: [Float]
  /// `[splitCount, H, W, C]`: the image at split position `i` starts at `i * H * W * C`.
  private var images: [UInt8]

  /// Reads the images at `splitRows` (ascending) into memory, in blocks of whole chunks of
  /// about 16 MiB each.
  init(dataset: PackedDataset, splitRows: [Int], table: [Float]) throws {
    shape = dataset.shape
    self.table = table
    let imageBytes = shape.byteCount
    images = [UInt8](repeating: 0, count: splitRows.count * imageBytes)

    let chunkRows = dataset.imagesPerChunk ?? 1
    let blockRows = max(chunkRows, ((16 << 20) / imageBytes) / chunkRows * chunkRows)
    var start = 0
    while start < splitRows.count {
      let end = min(splitRows.count, start + blockRows)
      let rows = Array(splitRows[start..<end])
      try images.withUnsafeMutableBufferPointer { whole in
        let block = UnsafeMutableBufferPointer(
          rebasing: whole[(start * imageBytes)..<(end * imageBytes)])
        try dataset.readImages(sortedRows: rows, into: block)
      }
      start = end
    }
  }

  func fill(positions: ArraySlice<Int>, into destination: UnsafeMutablePointer<Float>) throws {
    let imageBytes = shape.byteCount
    images.withUnsafeBufferPointer { images in
      table.withUnsafeBufferPointer { table in
        for (n, position) in positions.enumerated() {
          convertImage(
            images.baseAddress! + position * imageBytes, shape: shape, table: table.baseAddress!,
            into: destination + n * imageBytes)
        }
      }
    }
  }
}

/// Reads each batch from the file in sorted row order, so rows that share a chunk are read
/// one after another and the chunk cache decompresses that chunk once. The images are then
/// converted into the batch order.
final class StreamedImageSource: BatchImageSource {
  private let dataset: PackedDataset
  private let splitRows: [Int]
  private let shape: PackedImageShape
  private let table: [Float]
  /// `[batchSize, H, W, C]` in sorted-row order; reused for every batch.
  private var staging: [UInt8]
  /// `(row, n)` pairs of the current batch, sorted by row; reused for every batch.
  private var order: [(row: Int, slot: Int)] = []
  private var sortedRows: [Int] = []

  init(dataset: PackedDataset, splitRows: [Int], batchSize: Int, table: [Float]) {
    self.dataset = dataset
    self.splitRows = splitRows
    self.shape = dataset.shape
    self.table = table
    staging = [UInt8](repeating: 0, count: batchSize * dataset.shape.byteCount)
    order.reserveCapacity(batchSize)
    sortedRows.reserveCapacity(batchSize)
  }

  func fill(positions: ArraySlice<Int>, into destination: UnsafeMutablePointer<Float>) throws {
    order.removeAll(keepingCapacity: true)
    for (n, position) in positions.enumerated() {
      order.append((row: splitRows[position], slot: n))
    }
    order.sort { $0.row < $1.row }
    sortedRows.removeAll(keepingCapacity: true)
    sortedRows.append(contentsOf: order.lazy.map(\.row))

    let imageBytes = shape.byteCount
    let count = positions.count
    try staging.withUnsafeMutableBufferPointer { staging in
      let part = UnsafeMutableBufferPointer(rebasing: staging[0..<(count * imageBytes)])
      try dataset.readImages(sortedRows: sortedRows, into: part)
    }

    staging.withUnsafeBufferPointer { staging in
      table.withUnsafeBufferPointer { table in
        for (index, entry) in order.enumerated() {
          convertImage(
            staging.baseAddress! + index * imageBytes, shape: shape, table: table.baseAddress!,
            into: destination + entry.slot * imageBytes)
        }
      }
    }
  }
}
