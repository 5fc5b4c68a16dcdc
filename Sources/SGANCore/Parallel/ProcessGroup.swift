/// The combine points of a data-parallel step across processes.
///
/// Inside one process, the step combines its workers' partials in a fixed worker order. A
/// process group then combines the per-process totals across processes, in rank order, so the
/// same step runs unchanged on several processes (MPI ranks): ranks combine their workers'
/// partials exactly as workers combine their shards'. Every call is collective: each process
/// makes the same calls in the same order, and every process receives the same result, bit
/// for bit, so their parameters never drift apart.
public protocol ProcessGroup: AnyObject {
  /// This process's rank, from 0.
  var rank: Int { get }

  /// The number of processes.
  var size: Int { get }

  /// Seconds spent inside the group's calls so far, waiting for other processes included.
  var communicationSeconds: Double { get }

  /// Returns the ⊕-combination of every process's ln Z_B partial, in rank order.
  func allReduce(_ partial: LogSumExpPartial) -> LogSumExpPartial

  /// Replaces `sums` by the sum over every process's sums, in rank order.
  func allReduce(_ sums: ChannelSums)

  /// Replaces `values[0..<count]` by the element-wise sum over every process, in rank order.
  func allReduce(_ values: UnsafeMutablePointer<Double>, count: Int)

  /// Replaces `gradients[range]` by the element-wise sum over every process, in rank order.
  func allReduce(gradients: Tensor, range: Range<Int>)

  /// Returns every process's `bytes`, indexed by rank.
  func allGather(_ bytes: [UInt8]) -> [[UInt8]]
}

/// The process group of a run on one machine: every combine is the identity.
public final class SingleProcessGroup: ProcessGroup {
  /// Creates the group of this process alone.
  public init() {}

  public var rank: Int { 0 }
  public var size: Int { 1 }
  public var communicationSeconds: Double { 0 }
  public func allReduce(_ partial: LogSumExpPartial) -> LogSumExpPartial { partial }
  public func allReduce(_ sums: ChannelSums) {}
  public func allReduce(_ values: UnsafeMutablePointer<Double>, count: Int) {}
  public func allReduce(gradients: Tensor, range: Range<Int>) {}
  public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
}
