/// Per-channel sums that batch normalisation exchanges between shards, in Float64.
///
/// The forward pass stores `sum = Σx` and `sumOfProducts = Σx²`; the backward pass stores
/// `sum = Σdy` and `sumOfProducts = Σdy·x̂`. Each sum runs over the `count` values of a channel
/// (N·H·W for one shard). Sums from shards combine by addition, so a coordinator that adds the
/// shards' sums in a fixed order gets the whole batch's sums, the same for every grouping up to
/// rounding. Float64 keeps `Σx² / count - mean²` accurate when the mean is large.
///
/// The type is a class so that a replica and the coordinator share one preallocated buffer
/// instead of copying arrays on the per-step path.
public final class ChannelSums {
  /// Number of channels, C.
  public let channels: Int

  /// Number of values summed per channel.
  public var count: Int = 0

  /// Σx in the forward pass, Σdy in the backward pass; `[C]`.
  public let sum: UnsafeMutablePointer<Double>

  /// Σx² in the forward pass, Σdy·x̂ in the backward pass; `[C]`.
  public let sumOfProducts: UnsafeMutablePointer<Double>

  /// Allocates zeroed sums for `channels` channels.
  public init(channels: Int) {
    self.channels = channels
    sum = .allocate(capacity: max(channels, 1))
    sumOfProducts = .allocate(capacity: max(channels, 1))
    reset()
  }

  deinit {
    sum.deallocate()
    sumOfProducts.deallocate()
  }

  /// Sets every sum and the count to zero, the sums of an empty shard.
  public func reset() {
    count = 0
    sum.update(repeating: 0, count: channels)
    sumOfProducts.update(repeating: 0, count: channels)
  }

  /// Adds another shard's sums into these.
  public func add(_ other: ChannelSums) {
    precondition(
      other.channels == channels, "cannot add sums of \(other.channels) channels to \(channels)")
    count += other.count
    for c in 0..<channels {
      sum[c] += other.sum[c]
      sumOfProducts[c] += other.sumOfProducts[c]
    }
  }

  /// Replaces these sums with a copy of `other`.
  public func copy(from other: ChannelSums) {
    reset()
    add(other)
  }

  /// Returns the sums as arrays, for tests and diagnostics.
  public var arrays: (sum: [Double], sumOfProducts: [Double]) {
    (
      Array(UnsafeBufferPointer(start: sum, count: channels)),
      Array(UnsafeBufferPointer(start: sumOfProducts, count: channels))
    )
  }
}
