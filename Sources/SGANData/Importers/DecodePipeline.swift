import Dispatch

/// The result of processing one item.
public enum PipelineOutcome: Sendable, Equatable {
  /// The processed pixels.
  case pixels([UInt8])

  /// The item failed and was skipped; `reason` is the error's message.
  case skipped(reason: String)
}

/// A failure of one item, raised when the pipeline does not skip bad items.
public struct PipelineError: Error, CustomStringConvertible {
  /// The item's position in the input list.
  public let index: Int

  /// The item's name, such as its file name.
  public let name: String

  /// The error the item's processing threw.
  public let underlying: any Error

  /// The failed item and the underlying error's message.
  public var description: String {
    "item \(index) '\(name)' failed: \(underlying)"
  }
}

/// A parallel stage that processes an ordered list of items on several
/// threads and delivers the results strictly in input order, a block at a time.
///
/// Block k + 1 is processed on the workers while the consumer handles block
/// k, so at most two blocks of results exist at once, whatever the list's
/// length. Each worker gets its own `process` function from `makeProcess`,
/// so per-thread state (a TurboJPEG handle, a resampler cache) needs no lock.
/// An item's result depends only on the item, so every thread count gives
/// the same bytes.
public struct DecodePipeline: Sendable {
  /// Workers processing a block, each with its own `process` function.
  /// Dispatch runs at most as many of them at once as there are active cores.
  public var threadCount: Int

  /// Items per block.
  public var blockSize: Int

  /// Whether a failed item becomes `.skipped` instead of stopping the run.
  public var skipBad: Bool

  /// Creates a pipeline.
  ///
  /// - Precondition: `threadCount` and `blockSize` are positive.
  public init(threadCount: Int, blockSize: Int = 256, skipBad: Bool = false) {
    precondition(threadCount > 0, "Thread count must be positive, got \(threadCount)")
    precondition(blockSize > 0, "Block size must be positive, got \(blockSize)")
    self.threadCount = threadCount
    self.blockSize = blockSize
    self.skipBad = skipBad
  }

  /// Processes every item and calls `consume` once per item, in input order,
  /// on the calling thread.
  ///
  /// - Parameters:
  ///   - items: the items, in output order.
  ///   - name: the name of an item for error messages.
  ///   - makeProcess: called once per worker before any item runs; returns
  ///     that worker's processing function.
  ///   - consume: receives the item's index and outcome. With `skipBad`, a
  ///     failed item arrives as `.skipped`, so rows stay aligned.
  /// - Throws: without `skipBad`, a `PipelineError` for the first failed item
  ///   in input order, once every earlier item has been consumed. Errors from
  ///   `makeProcess` and `consume` pass through unchanged.
  public func run<Item>(
    _ items: [Item],
    name: @escaping (Item) -> String,
    makeProcess: () throws -> (Item) throws -> [UInt8],
    consume: (_ index: Int, _ outcome: PipelineOutcome) throws -> Void
  ) throws {
    if items.isEmpty { return }
    let processes = try (0..<threadCount).map { _ in try makeProcess() }
    let blockStarts = Array(stride(from: 0, to: items.count, by: blockSize))

    func startBlock(_ number: Int) -> PipelineBlock<Item> {
      let start = blockStarts[number]
      let block = PipelineBlock<Item>(range: start..<min(start + blockSize, items.count))
      block.start(items: items, processes: processes, workerCount: threadCount)
      return block
    }

    var pending: PipelineBlock<Item>? = startBlock(0)
    defer { pending?.waitUntilDone() }
    for number in blockStarts.indices {
      let block = pending!
      block.waitUntilDone()
      pending = number + 1 < blockStarts.count ? startBlock(number + 1) : nil

      for offset in 0..<block.range.count {
        let index = block.range.lowerBound + offset
        switch block.results[offset]! {
        case .success(let pixels):
          try consume(index, .pixels(pixels))
        case .failure(let error) where skipBad:
          try consume(index, .skipped(reason: "\(error)"))
        case .failure(let error):
          throw PipelineError(index: index, name: name(items[index]), underlying: error)
        }
      }
    }
  }
}

/// One block of items being processed in the background.
///
/// Unchecked Sendable: each worker writes only its own result slots, and the
/// coordinator reads them only after `waitUntilDone` has returned.
private final class PipelineBlock<Item>: @unchecked Sendable {
  let range: Range<Int>

  /// One slot per item, written by exactly one worker each.
  let results: UnsafeMutableBufferPointer<Result<[UInt8], any Error>?>

  private let done = DispatchSemaphore(value: 0)
  private var finished = false

  init(range: Range<Int>) {
    self.range = range
    results = .allocate(capacity: range.count)
    results.initialize(repeating: nil)
  }

  deinit {
    results.deinitialize()
    results.deallocate()
  }

  /// Processes the block on a global queue; `waitUntilDone` blocks until then.
  func start(items: [Item], processes: [(Item) throws -> [UInt8]], workerCount: Int) {
    DispatchQueue.global().async { [self] in
      runParallelLoop(count: range.count, workerCount: workerCount) { worker, offset in
        let item = items[range.lowerBound + offset]
        self.results[offset] = Result { try processes[worker](item) }
      }
      done.signal()
    }
  }

  /// Blocks until the block's processing has finished; returns at once after that.
  func waitUntilDone() {
    if finished { return }
    done.wait()
    finished = true
  }
}

extension DecodePipeline {
  /// Decodes and prepares every item of a dataset, delivering `[H, W, C]`
  /// pixels of `preparation`'s output size to `consume` in item order.
  ///
  /// Each worker owns an `ImagePreparer`. Errors are reported as in `run`.
  public func run(
    _ dataset: ImportedDataset, preparation: ImagePreparation,
    consume: (_ index: Int, _ outcome: PipelineOutcome) throws -> Void
  ) throws {
    try run(
      dataset.items, name: \.name,
      makeProcess: {
        let preparer = try ImagePreparer(preparation: preparation)
        return { item in try preparer.prepare(item) }
      },
      consume: consume)
  }
}

extension ImagePreparer {
  /// Decodes the item's file, or takes its in-memory pixels, and prepares it.
  public func prepare(_ item: ImportItem) throws -> [UInt8] {
    switch item.source {
    case .file(let path):
      return try prepareFile(atPath: path)
    case .pixels(let image):
      return try prepare(image, path: item.name)
    }
  }
}
