import Foundation

/// Measures how fast a ``BatchReader`` delivers batches of a packed dataset when nothing
/// else consumes them, which bounds the training rate it can feed.
public enum ReaderBenchmark {
  /// The place the reader takes images from.
  public enum Source: String, Sendable, CaseIterable {
    /// The reader's own policy: memory when the split fits its cache limit, else the file.
    case automatic = "auto"
    /// The whole split read into memory first.
    case memory
    /// Every batch read from the file through HDF5's chunk cache.
    case file
  }

  /// One measurement.
  public struct Result: Sendable {
    public var path: String
    public var source: Source
    /// Whether the split was held in memory.
    public var cachesImages: Bool
    public var batchSize: Int
    /// Images in the split.
    public var splitCount: Int
    /// Seconds until the first batch arrived: opening, and loading the split when cached.
    public var firstBatchSeconds: Double
    /// Batches delivered after the first, and the seconds they took.
    public var batches: Int
    public var seconds: Double

    /// Images per second after the first batch.
    public var imagesPerSecond: Double { Double(batches * batchSize) / seconds }
  }

  /// Reads batches of `batchSize` from the `split` of `path` for at least `seconds` after the
  /// first one, copying each into a buffer as a trainer would.
  ///
  /// - Throws: The reader's errors for a file it cannot open or read.
  public static func run(
    path: String, split: DatasetSplit = .all, batchSize: Int, source: Source, seconds: Double
  ) throws -> Result {
    let start = DispatchTime.now().uptimeNanoseconds
    let cacheLimit: Int
    switch source {
    case .automatic: cacheLimit = BatchReader.defaultCacheLimitBytes
    case .memory: cacheLimit = Int.max
    case .file: cacheLimit = 0
    }
    let reader = try BatchReader(
      path: path, split: split, batchSize: batchSize, seed: 1, cacheLimitBytes: cacheLimit)
    defer { reader.close() }
    let destination = UnsafeMutableBufferPointer<Float>.allocate(capacity: reader.batchElementCount)
    defer { destination.deallocate() }

    try reader.nextBatch(into: destination)
    let firstBatch = elapsed(since: start)

    let timedStart = DispatchTime.now().uptimeNanoseconds
    var batches = 0
    while elapsed(since: timedStart) < seconds {
      try reader.nextBatch(into: destination)
      batches += 1
    }
    return Result(
      path: path, source: source, cachesImages: reader.cachesImages, batchSize: batchSize,
      splitCount: reader.splitCount, firstBatchSeconds: firstBatch, batches: batches,
      seconds: elapsed(since: timedStart))
  }

  private static func elapsed(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }
}
