#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Mode coverage and sample quality of generated points against a ``GaussianMixture``.
///
/// A sample is high quality when it lies within `3σ` of the nearest centre, and a mode is
/// covered when at least one sample lies within `3σ` of its centre. The KL divergence is that
/// of the per-mode histogram of high-quality samples from the uniform distribution over the
/// K modes, KL(p ‖ u) = Σ_k p_k ln(K p_k), with 0 ln 0 = 0: 0 when every mode receives the
/// same share, ln K when one mode receives all.
public struct MixtureMetrics: Codable, Equatable, Sendable {
  /// Modes with at least one sample within 3σ.
  public var modesCovered: Int

  /// Number of modes of the mixture, K.
  public var modeCount: Int

  /// Fraction of the samples within 3σ of some centre, in [0, 1].
  public var highQualityShare: Double

  /// KL divergence of the high-quality histogram from uniform, in nats. With no high-quality
  /// sample the histogram is undefined and the value is ln K, the divergence of total collapse.
  public var kullbackLeibler: Double

  /// Computes the metrics of `samples` against `mixture`; `radiusInDeviations` sets the 3σ.
  public init(samples: [Point2D], mixture: GaussianMixture, radiusInDeviations: Double = 3) {
    let radius = radiusInDeviations * mixture.standardDeviation
    var counts = [Int](repeating: 0, count: mixture.centres.count)
    for point in samples {
      let nearest = mixture.nearestMode(to: point)
      if nearest.distance <= radius {
        counts[nearest.index] += 1
      }
    }

    // Modes are at least 2·3σ apart in both benchmarks, so a point lies within 3σ of at
    // most one centre and the nearest centre is the only one to check.
    let highQuality = counts.reduce(0, +)
    modeCount = counts.count
    modesCovered = counts.filter { $0 > 0 }.count
    highQualityShare = samples.isEmpty ? 0 : Double(highQuality) / Double(samples.count)
    kullbackLeibler =
      highQuality == 0
      ? log(Double(counts.count))
      : kullbackLeiblerFromUniform(counts: counts)
  }
}

/// Returns KL(p ‖ uniform) in nats for the histogram `counts`, p_k = counts[k] / Σ counts,
/// taking 0 ln 0 = 0. The counts must not all be zero.
public func kullbackLeiblerFromUniform(counts: [Int]) -> Double {
  let total = Double(counts.reduce(0, +))
  precondition(total > 0, "the histogram is empty")
  let binCount = Double(counts.count)
  var divergence = 0.0
  for count in counts where count > 0 {
    let p = Double(count) / total
    divergence += p * log(p * binCount)
  }
  return divergence
}
