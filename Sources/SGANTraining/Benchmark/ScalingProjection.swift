/// A projection of a step's speed-up to more threads from one measured iteration on one
/// thread, split into a part that does not shrink with more threads and a part that does.
///
/// The part that does not shrink, α of the one-thread time, is:
/// - the serial phases: the combine points, the data wait and the time outside any phase;
/// - the gradient reduction. Each of T workers sums T buffers over 1/T of the parameters, so
///   every worker reads as many values as one worker alone does.
///
/// The forward and backward phases and Adam are taken to shrink as 1/T. This is the ideal:
/// it leaves out smaller GEMMs on smaller shards, load imbalance between shards, and the
/// memory bandwidth that T workers share.
public struct ScalingProjection: Sendable, Equatable {
  /// Seconds of the part that does not shrink with more threads, and of the part that does.
  public var fixedSeconds: Double
  public var parallelSeconds: Double

  /// Creates a projection from its two parts.
  public init(fixedSeconds: Double, parallelSeconds: Double) {
    precondition(fixedSeconds >= 0 && parallelSeconds > 0, "invalid projection parts")
    self.fixedSeconds = fixedSeconds
    self.parallelSeconds = parallelSeconds
  }

  /// Creates a projection from the mean phases of a one-thread row.
  public init(oneThreadRow row: StepBenchmarkRow) {
    precondition(row.workers == 1, "a projection starts from a one-thread measurement")
    let phases = row.meanPhases
    let outside = max(0, row.meanSeconds - phases.total)
    self.init(
      fixedSeconds: phases.combine + phases.data + outside + phases.reduce + phases.communication,
      parallelSeconds: phases.forward + phases.backward + phases.optimizer)
  }

  /// α, the share of the one-thread time that does not shrink with more threads.
  public var fixedFraction: Double { fixedSeconds / (fixedSeconds + parallelSeconds) }

  /// Returns Amdahl's speed-up for a fixed batch on `threads` threads: 1 / (α + (1 - α) / T).
  public func strongSpeedUp(threads: Int) -> Double {
    1 / (fixedFraction + (1 - fixedFraction) / Double(threads))
  }

  /// Returns Gustafson's scaled speed-up for a batch that grows with the thread count:
  /// T - α·(T - 1), the time one thread needs for the T-times larger batch over the time T
  /// threads need, when each worker's share of the batch stays the same.
  public func weakSpeedUp(threads: Int) -> Double {
    Double(threads) - fixedFraction * Double(threads - 1)
  }
}
