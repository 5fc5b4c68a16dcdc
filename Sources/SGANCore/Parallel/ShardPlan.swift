/// A split of a batch of `total` samples into contiguous shards, one per worker.
///
/// Shard sizes differ by at most one, larger shards first: 7 samples on 3 workers give
/// 0..<3, 3..<5, 5..<7. A worker beyond the batch size gets an empty shard.
public struct ShardPlan: Sendable, Equatable {
  /// The number of samples split.
  public let total: Int

  /// The sample range of each shard, in worker order.
  public let ranges: [Range<Int>]

  /// Splits `total` samples into `shards` contiguous ranges.
  public init(total: Int, shards: Int) {
    precondition(total >= 0 && shards >= 1, "cannot split \(total) samples into \(shards) shards")
    self.total = total
    let base = total / shards
    let remainder = total % shards
    var ranges: [Range<Int>] = []
    var start = 0
    for shard in 0..<shards {
      let size = base + (shard < remainder ? 1 : 0)
      ranges.append(start..<(start + size))
      start += size
    }
    self.ranges = ranges
  }

  /// The size of the largest shard, which sizes each worker's buffers.
  public var maxShardSize: Int { ranges.map(\.count).max() ?? 0 }
}

/// Splits `0..<count` into `parts` contiguous ranges whose bounds are multiples of `alignment`
/// (except the last), for element-wise work such as gradient reduction and Adam.
public func splitRange(count: Int, parts: Int, alignment: Int = 16) -> [Range<Int>] {
  precondition(parts >= 1, "need at least one part")
  let blocks = (count + alignment - 1) / alignment
  let plan = ShardPlan(total: blocks, shards: parts)
  return plan.ranges.map { range in
    min(range.lowerBound * alignment, count)..<min(range.upperBound * alignment, count)
  }
}
