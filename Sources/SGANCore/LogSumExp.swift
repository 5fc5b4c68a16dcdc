#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A shard's share of ln Z_B = ln Σ exp(-mu(x)), kept as the pair (m, s) with
/// m = max of -mu over the shard and s = Σ exp(-mu - m).
///
/// Pairs combine as (m1, s1) ⊕ (m2, s2) = (m, s1·exp(m1 - m) + s2·exp(m2 - m)), m = max(m1, m2).
/// The operation is associative and commutative, with the empty shard's pair (-∞, 0) as its
/// identity, so any grouping of shards gives the same ln Z_B = m + ln s up to rounding. Every
/// exponent is ≤ 0, so nothing overflows whatever the energies' offset.
public struct LogSumExpPartial: Sendable, Hashable {
  /// m, the maximum of -mu over the shard; -∞ for an empty shard.
  public var maximum: Double

  /// s, the sum of exp(-mu - m) over the shard; 0 for an empty shard.
  public var scaledSum: Double

  /// Creates a pair from its parts.
  public init(maximum: Double, scaledSum: Double) {
    self.maximum = maximum
    self.scaledSum = scaledSum
  }

  /// The pair of an empty shard, (-∞, 0).
  public static let empty = LogSumExpPartial(maximum: -.infinity, scaledSum: 0)

  /// Computes the pair of a shard's energies mu(x), any shape.
  public init(energies: Tensor) {
    let mu = energies.pointer
    var maximum = -Double.infinity
    for i in 0..<energies.count { maximum = max(maximum, -Double(mu[i])) }

    var sum = 0.0
    if maximum > -.infinity {
      for i in 0..<energies.count { sum += exp(-Double(mu[i]) - maximum) }
    }
    self.init(maximum: maximum, scaledSum: sum)
  }

  /// Returns the pair of the union of both shards.
  public func combined(with other: LogSumExpPartial) -> LogSumExpPartial {
    let m = max(maximum, other.maximum)
    if m == -.infinity { return .empty }
    return LogSumExpPartial(
      maximum: m,
      scaledSum: scaledSum * exp(maximum - m) + other.scaledSum * exp(other.maximum - m))
  }

  /// ln Σ exp(-mu) over every energy the pair covers, m + ln s; -∞ when it covers none.
  public var logSum: Double {
    maximum == -.infinity ? -.infinity : maximum + log(scaledSum)
  }
}
