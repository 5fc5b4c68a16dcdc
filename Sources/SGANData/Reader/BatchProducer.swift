import Foundation

/// One batch buffer that the prefetch thread fills and the consumer reads.
final class BatchSlot {
  /// `[N, C, H, W]`, allocated once.
  let pixels: UnsafeMutableBufferPointer<Float>
  /// The file row of each image, `[N]`.
  var rows: [Int]
  /// The position of the batch in the slot.
  var position = BatchPosition.start

  init(elementCount: Int, batchSize: Int) {
    pixels = .allocate(capacity: elementCount)
    pixels.initialize(repeating: 0)
    rows = [Int](repeating: 0, count: batchSize)
  }

  deinit {
    pixels.deallocate()
  }
}

/// The prefetch thread's loop and the bounded queue between it and the consumer.
///
/// Slots move between two queues under `condition`: `freeSlots` (the producer may fill them)
/// and `readySlots` (filled, in order, for the consumer). A seek bumps `generation`, so a
/// slot that was being filled for the old position is dropped instead of delivered.
final class BatchProducer: @unchecked Sendable {
  let slots: [BatchSlot]
  let batchSize: Int
  let slice: Range<Int>
  let batchesPerEpoch: Int

  private let splitRows: [Int]
  private let seed: UInt64
  private let makeSource: () throws -> BatchImageSource

  // Guarded by `condition`.
  let condition = NSCondition()
  private var freeSlots: [Int]
  private var readySlots: [Int] = []
  private var nextPosition: BatchPosition
  private var generation = 0
  private var failure: Error?
  private var stopRequested = false
  private var finished = false

  // Used by the prefetch thread only.
  private var source: BatchImageSource?
  private var orderEpoch = -1
  private var order: [Int] = []

  init(
    slotCount: Int, elementCount: Int, batchSize: Int, slice: Range<Int>, splitRows: [Int],
    seed: UInt64, start: BatchPosition, makeSource: @escaping () throws -> BatchImageSource
  ) {
    slots = (0..<slotCount).map { _ in
      BatchSlot(elementCount: elementCount, batchSize: slice.count)
    }
    self.slice = slice
    freeSlots = Array(0..<slotCount)
    self.batchSize = batchSize
    self.batchesPerEpoch = splitRows.count / batchSize
    self.splitRows = splitRows
    self.seed = seed
    self.nextPosition = start
    self.makeSource = makeSource
  }

  // MARK: Prefetch thread

  /// Fills free slots in order until `stop()`; runs on the prefetch thread. The image source
  /// (and with it any in-memory copy of the split) is made before the first batch.
  func run() {
    while let (slotIndex, position, slotGeneration) = takeFreeSlot() {
      do {
        if source == nil {
          source = try makeSource()
        }
        try fill(slots[slotIndex], position: position)
        deliver(slotIndex, generation: slotGeneration)
      } catch {
        condition.lock()
        freeSlots.append(slotIndex)
        condition.unlock()
        report(error)
      }
    }

    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for a free slot and claims the next position; returns `nil` once stop is requested.
  private func takeFreeSlot() -> (Int, BatchPosition, Int)? {
    condition.lock()
    defer { condition.unlock() }
    while !stopRequested && (freeSlots.isEmpty || failure != nil) {
      condition.wait()
    }
    guard !stopRequested else { return nil }

    let slotIndex = freeSlots.removeFirst()
    let position = nextPosition
    nextPosition = position.next(batchesPerEpoch: batchesPerEpoch)
    return (slotIndex, position, generation)
  }

  /// Writes batch `position` into `slot`: positions `batch * N + slice` of the epoch's order;
  /// the incomplete tail of the order is never used.
  private func fill(_ slot: BatchSlot, position: BatchPosition) throws {
    if position.epoch != orderEpoch {
      order = EpochOrder.permutation(count: splitRows.count, seed: seed, epoch: position.epoch)
      orderEpoch = position.epoch
    }
    let first = position.batch * batchSize
    let positions = order[(first + slice.lowerBound)..<(first + slice.upperBound)]
    for (n, splitPosition) in positions.enumerated() {
      slot.rows[n] = splitRows[splitPosition]
    }
    try source!.fill(positions: positions, into: slot.pixels.baseAddress!)
    slot.position = position
  }

  private func deliver(_ slotIndex: Int, generation slotGeneration: Int) {
    condition.lock()
    if slotGeneration == generation {
      readySlots.append(slotIndex)
    } else {
      freeSlots.append(slotIndex)
    }
    condition.broadcast()
    condition.unlock()
  }

  /// Records `error` for the consumer; the producer then waits until a seek or stop.
  private func report(_ error: Error) {
    condition.lock()
    failure = error
    condition.broadcast()
    condition.unlock()
  }

  // MARK: Consumer side

  /// Waits for the next filled slot and returns its index, or throws the producer's error
  /// once every slot filled before the error has been delivered.
  func takeReadySlot() throws -> Int {
    condition.lock()
    defer { condition.unlock() }
    while readySlots.isEmpty && failure == nil && !finished {
      condition.wait()
    }
    if !readySlots.isEmpty {
      return readySlots.removeFirst()
    }
    if let failure {
      throw failure
    }
    preconditionFailure("batch requested after the reader was closed")
  }

  /// Hands a slot back to the producer.
  func returnSlot(_ slotIndex: Int) {
    condition.lock()
    freeSlots.append(slotIndex)
    condition.broadcast()
    condition.unlock()
  }

  /// Drops prefetched batches and restarts production at `position`; clears a failure, so
  /// the producer tries again.
  func seek(to position: BatchPosition) {
    condition.lock()
    generation += 1
    freeSlots.append(contentsOf: readySlots)
    readySlots.removeAll()
    nextPosition = position
    failure = nil
    condition.broadcast()
    condition.unlock()
  }

  /// Asks the prefetch thread to end and waits until it has.
  func stop() {
    condition.lock()
    stopRequested = true
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }
}
