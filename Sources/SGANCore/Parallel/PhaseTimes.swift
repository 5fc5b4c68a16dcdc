/// Seconds one training iteration spent in each phase of the data-parallel step.
///
/// Forward and backward are the parallel compute phases. `combine` covers the serial combine
/// points (ln Z_B, batch-norm sums) together with the wait for the slowest shard before each.
/// `reduce` is the fixed-order gradient reduction and `optimizer` the Adam update, both split
/// across workers by parameter range. `communication` is the time spent in the process group's
/// calls (exchanging partials and gradients with other processes, and waiting for them); it is
/// 0 with one process. `data` is the time spent waiting for the next real batch.
public struct PhaseTimes: Sendable, Equatable {
  public var forward = 0.0
  public var combine = 0.0
  public var backward = 0.0
  public var reduce = 0.0
  public var optimizer = 0.0
  public var communication = 0.0
  public var data = 0.0

  /// Creates all-zero times.
  public init() {}

  /// The sum of all phases.
  public var total: Double { forward + combine + backward + reduce + optimizer + communication + data
  }

  /// Adds another iteration's times phase by phase.
  public static func += (lhs: inout PhaseTimes, rhs: PhaseTimes) {
    lhs.forward += rhs.forward
    lhs.combine += rhs.combine
    lhs.backward += rhs.backward
    lhs.reduce += rhs.reduce
    lhs.optimizer += rhs.optimizer
    lhs.communication += rhs.communication
    lhs.data += rhs.data
  }
}
