import Dispatch
import Foundation

/// Delivers shuffled mini-batches of one split of a packed dataset as `Float` `[N, C, H, W]`,
/// prepared ahead on a background thread.
///
/// Order: epoch `e` visits the split in `EpochOrder.permutation(count:seed:epoch:)` order, a
/// pure function of `(seed, e)`, and batch `b` is positions `b * N ..< (b + 1) * N` of it.
/// Batches never straddle epochs: the last `splitCount % N` images of each epoch's order are
/// dropped (as PyTorch's `drop_last=True` does), and a different subset is dropped each epoch.
///
/// Slices: a reader made with `slice` delivers only positions `slice` of each batch (a
/// process's share of a batch split across processes), in the same order as the whole batch,
/// and reads only those images.
///
/// Reading policy: when the reader delivers whole batches and the split's `uint8` images fit in `cacheLimitBytes`, the prefetch
/// thread reads them all into memory once, in row order, before the first batch (which then
/// shows the load in its `waitTime`). Otherwise each batch is read from the file in sorted
/// row order through a chunk cache (32 MiB by default), so each chunk a batch touches is
/// decompressed once.
///
/// Threads: after `init`, only the prefetch thread calls HDF5. The consumer methods
/// (`nextBatch`, `withNextBatch`, `seek`, `close`) must come from one thread at a time.
public final class BatchReader {
  /// Facts about a delivered batch.
  public struct BatchInfo: Equatable, Sendable {
    /// The batch's place in the data order.
    public var position: BatchPosition
    /// Seconds the consumer waited for the batch; near 0 when prefetch keeps ahead.
    public var waitTime: Double
  }

  /// A delivered batch, valid only inside `withNextBatch`'s closure.
  public struct Batch {
    /// `[N, C, H, W]`, scaled by `scaling`.
    public let pixels: UnsafeBufferPointer<Float>
    /// The file row of each image, `[N]`.
    public let rows: ArraySlice<Int>
    public let info: BatchInfo
  }

  /// The default `cacheLimitBytes`: 1 GiB, which fits Fashion-MNIST (70,000 x 28 x 28,
  /// 55 MB) and CIFAR-10 (180 MB) but not CelebA's 162,770 training images at 64 x 64 x 3
  /// (2.0 GB).
  public static let defaultCacheLimitBytes = 1 << 30

  public let path: String
  public let split: DatasetSplit
  public let batchSize: Int
  public let seed: UInt64
  public let scaling: PixelScaling
  /// The shape of one image as stored, `[H, W, C]`.
  public let shape: PackedImageShape
  /// The number of images in the split.
  public let splitCount: Int
  /// `splitCount / batchSize`, rounded down.
  public let batchesPerEpoch: Int
  /// The positions of each batch this reader delivers; `0..<batchSize` unless a slice was
  /// requested.
  public let slice: Range<Int>
  /// Whether the split is held in memory (see the reading policy above).
  public let cachesImages: Bool

  /// The number of `Float` values in one delivered batch: `slice.count * C * H * W`, which
  /// is `N * C * H * W` without a slice.
  public var batchElementCount: Int { slice.count * shape.byteCount }

  /// The position of the batch the next call delivers; save it to resume later.
  public private(set) var position: BatchPosition

  private let producer: BatchProducer
  private var isClosed = false

  /// Opens `path`, selects `split`, and starts the prefetch thread at `start`.
  ///
  /// - Parameters:
  ///   - split: `.all` for every image; a partition split needs a `/partition` dataset.
  ///   - batchSize: N; the split must hold at least one batch.
  ///   - slice: The positions of each batch to deliver, within `0..<batchSize`; nil for all.
  ///     A slice of part of the batch always reads from the file.
  ///   - seed: The data-order seed.
  ///   - scaling: How bytes map to floats.
  ///   - start: Where to begin, such as a position saved in a checkpoint.
  ///   - prefetchDepth: How many batches may wait ready; one more buffer is allocated for the
  ///     batch the consumer holds.
  ///   - cacheLimitBytes: The largest split, in `uint8` bytes, kept in memory.
  ///   - chunkCacheBytes: HDF5's chunk cache for `/images` when reading from the file.
  /// - Throws: `PackedDatasetError` for a malformed file, a missing partition or a split
  ///   smaller than one batch; `HDF5Error` for failures inside HDF5.
  public init(
    path: String, split: DatasetSplit, batchSize: Int, slice: Range<Int>? = nil, seed: UInt64,
    scaling: PixelScaling = .minusOneToOne, start: BatchPosition = .start,
    prefetchDepth: Int = 2, cacheLimitBytes: Int = BatchReader.defaultCacheLimitBytes,
    chunkCacheBytes: Int = 32 << 20
  ) throws {
    precondition(batchSize > 0, "batch size \(batchSize) is not positive")
    precondition(prefetchDepth > 0, "prefetch depth \(prefetchDepth) is not positive")
    let slice = slice ?? 0..<batchSize
    precondition(
      !slice.isEmpty && slice.lowerBound >= 0 && slice.upperBound <= batchSize,
      "slice \(slice) is not a non-empty part of a batch of \(batchSize)")

    let dataset = try PackedDataset(path: path, chunkCacheBytes: chunkCacheBytes)
    let splitRows = try dataset.rows(in: split)
    guard splitRows.count >= batchSize else {
      throw PackedDatasetError.splitTooSmall(
        path: path, split: split, count: splitRows.count, batchSize: batchSize)
    }

    self.path = path
    self.split = split
    self.batchSize = batchSize
    self.seed = seed
    self.scaling = scaling
    self.shape = dataset.shape
    self.splitCount = splitRows.count
    self.batchesPerEpoch = splitRows.count / batchSize
    self.slice = slice
    self.cachesImages =
      slice.count == batchSize && splitRows.count * dataset.shape.byteCount <= cacheLimitBytes
    precondition(
      start.batch < batchesPerEpoch,
      "start \(start) is past the \(batchesPerEpoch) batches of an epoch")
    self.position = start

    let table = scaling.lookupTable()
    let cachesImages = self.cachesImages
    producer = BatchProducer(
      slotCount: prefetchDepth + 1, elementCount: slice.count * dataset.shape.byteCount,
      batchSize: batchSize, slice: slice, splitRows: splitRows, seed: seed, start: start
    ) {
      if cachesImages {
        return try CachedImageSource(dataset: dataset, splitRows: splitRows, table: table)
      }
      return StreamedImageSource(
        dataset: dataset, splitRows: splitRows, batchSize: slice.count, table: table)
    }

    let producer = self.producer
    let thread = Thread { producer.run() }
    thread.name = "sgan-batch-prefetch"
    thread.start()
  }

  /// Copies the next batch into `destination` and advances `position`.
  ///
  /// - Parameters:
  ///   - destination: `[N, C, H, W]` (N the slice's size), exactly `batchElementCount` values;
  ///     overwritten.
  ///   - rows: If given, `[N]`, receives the file row of each image.
  /// - Returns: The batch's position and the time waited for it.
  /// - Throws: The prefetch thread's error, such as a failed read; `seek(to:)` retries.
  @discardableResult
  public func nextBatch(
    into destination: UnsafeMutableBufferPointer<Float>,
    rows: UnsafeMutableBufferPointer<Int>? = nil
  ) throws -> BatchInfo {
    precondition(
      destination.count == batchElementCount,
      "destination holds \(destination.count) values, a batch is \(batchElementCount)")
    precondition(
      rows == nil || rows!.count == slice.count, "rows must hold \(slice.count) values")
    return try withNextBatch { batch in
      destination.baseAddress!.update(from: batch.pixels.baseAddress!, count: batchElementCount)
      if let rows {
        _ = rows.update(fromContentsOf: batch.rows)
      }
      return batch.info
    }
  }

  /// Runs `body` with the next batch in the reader's own buffer, then advances `position`
  /// and hands the buffer back for prefetching. The batch must not escape `body`.
  public func withNextBatch<Result>(_ body: (Batch) throws -> Result) throws -> Result {
    precondition(!isClosed, "batch requested from '\(path)' after close()")
    let waitStart = DispatchTime.now().uptimeNanoseconds
    let slotIndex = try producer.takeReadySlot()
    let waited = Double(DispatchTime.now().uptimeNanoseconds - waitStart) / 1e9
    defer { producer.returnSlot(slotIndex) }

    let slot = producer.slots[slotIndex]
    precondition(slot.position == position, "prefetched \(slot.position), expected \(position)")
    let batch = Batch(
      pixels: UnsafeBufferPointer(slot.pixels), rows: slot.rows[0..<slice.count],
      info: BatchInfo(position: position, waitTime: waited))
    position = position.next(batchesPerEpoch: batchesPerEpoch)
    return try body(batch)
  }

  /// Drops prefetched batches and continues from `newPosition`.
  public func seek(to newPosition: BatchPosition) {
    precondition(!isClosed, "seek on '\(path)' after close()")
    precondition(
      newPosition.batch < batchesPerEpoch,
      "position \(newPosition) is past the \(batchesPerEpoch) batches of an epoch")
    producer.seek(to: newPosition)
    position = newPosition
  }

  /// Stops the prefetch thread and waits for it to end; the reader cannot be used after.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    producer.stop()
  }

  deinit {
    close()
  }
}
