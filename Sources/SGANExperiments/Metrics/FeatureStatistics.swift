/// The mean and covariance of a set of feature vectors, in Float64.
public struct FeatureStatistics: Sendable {
  /// The feature dimension d.
  public let dimension: Int

  /// The number of vectors.
  public let count: Int

  /// The mean, `[d]`.
  public let mean: [Double]

  /// The unbiased sample covariance (divided by count - 1), row-major `[d, d]`.
  public let covariance: [Double]

  /// Computes the statistics of `features`, row-major `[count, d]`, count ≥ 2.
  public init(features: [Float], dimension d: Int) {
    precondition(d > 0 && features.count % d == 0, "\(features.count) values are not rows of \(d)")
    let count = features.count / d
    precondition(count >= 2, "a covariance needs at least two vectors, got \(count)")

    var mean = [Double](repeating: 0, count: d)
    for n in 0..<count {
      for i in 0..<d { mean[i] += Double(features[n * d + i]) }
    }
    for i in 0..<d { mean[i] /= Double(count) }

    var covariance = [Double](repeating: 0, count: d * d)
    var centred = [Double](repeating: 0, count: d)
    for n in 0..<count {
      for i in 0..<d { centred[i] = Double(features[n * d + i]) - mean[i] }
      for i in 0..<d {
        let ci = centred[i]
        for j in i..<d { covariance[i * d + j] += ci * centred[j] }
      }
    }
    for i in 0..<d {
      for j in i..<d {
        let value = covariance[i * d + j] / Double(count - 1)
        covariance[i * d + j] = value
        covariance[j * d + i] = value
      }
    }

    self.dimension = d
    self.count = count
    self.mean = mean
    self.covariance = covariance
  }

  /// Returns the Fréchet distance between the Gaussians fitted to two feature sets:
  ///
  ///     d² = ‖μ1 - μ2‖² + tr(Σ1) + tr(Σ2) - 2 tr((Σ1 Σ2)^½)
  ///
  /// Σ1 Σ2 is not symmetric, but it is similar to S Σ2 S with S = Σ1^½, which is symmetric
  /// positive semi-definite and has the same eigenvalues, so tr((Σ1 Σ2)^½) is the sum of the
  /// square roots of the eigenvalues of S Σ2 S. Both roots come from ``SymmetricEigen``.
  public static func frechetDistance(_ first: FeatureStatistics, _ second: FeatureStatistics)
    -> Double
  {
    precondition(first.dimension == second.dimension, "feature dimensions differ")
    let d = first.dimension

    var meanTerm = 0.0
    for i in 0..<d {
      let difference = first.mean[i] - second.mean[i]
      meanTerm += difference * difference
    }
    var traceTerm = 0.0
    for i in 0..<d { traceTerm += first.covariance[i * d + i] + second.covariance[i * d + i] }

    let root = SymmetricEigen.squareRoot(ofSymmetric: first.covariance, dimension: d)
    let product = multiply(multiply(root, second.covariance, d), root, d)
    let eigen = SymmetricEigen(symmetric: product, dimension: d)
    let crossTrace = eigen.values.reduce(0) { $0 + max($1, 0).squareRoot() }

    // Rounding can push a distance of zero slightly below it.
    return max(meanTerm + traceTerm - 2 * crossTrace, 0)
  }
}

/// Returns the row-major product of two `[d, d]` matrices.
func multiply(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
  var c = [Double](repeating: 0, count: d * d)
  for i in 0..<d {
    for k in 0..<d {
      let aik = a[i * d + k]
      if aik == 0 { continue }
      for j in 0..<d { c[i * d + j] += aik * b[k * d + j] }
    }
  }
  return c
}
