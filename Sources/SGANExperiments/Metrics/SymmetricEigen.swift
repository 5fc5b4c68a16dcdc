/// The eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix, in Float64, by the
/// cyclic Jacobi method.
///
/// Each sweep applies a Givens rotation to every off-diagonal pair (p, q) in turn, chosen so
/// that the rotated A[p][q] is zero. The off-diagonal norm falls quadratically once small.
/// The method is slower than LAPACK's divide and conquer (`dsyevd`) but accurate to a few ulps
/// of the largest eigenvalue, and the matrices here (classifier features, d ≤ 256) are small.
public struct SymmetricEigen: Sendable {
  /// The eigenvalues, in the order of the columns of ``vectors``.
  public let values: [Double]

  /// The eigenvectors as the columns of a row-major `[d, d]` matrix.
  public let vectors: [Double]

  /// The dimension d.
  public let dimension: Int

  /// Decomposes the symmetric row-major `[d, d]` matrix `matrix`. Only the average of each
  /// pair of mirrored entries is used, so rounding asymmetry does no harm.
  public init(symmetric matrix: [Double], dimension d: Int, maxSweeps: Int = 60) {
    precondition(matrix.count == d * d, "expected \(d * d) entries, got \(matrix.count)")
    var a = matrix
    for i in 0..<d {
      for j in (i + 1)..<d {
        let mean = (a[i * d + j] + a[j * d + i]) / 2
        a[i * d + j] = mean
        a[j * d + i] = mean
      }
    }
    var v = [Double](repeating: 0, count: d * d)
    for i in 0..<d { v[i * d + i] = 1 }

    for _ in 0..<maxSweeps {
      var offDiagonal = 0.0
      var diagonal = 0.0
      for i in 0..<d {
        diagonal += a[i * d + i] * a[i * d + i]
        for j in (i + 1)..<d { offDiagonal += a[i * d + j] * a[i * d + j] }
      }
      if offDiagonal <= 1e-30 * max(diagonal, 1e-300) { break }
      for p in 0..<d {
        for q in (p + 1)..<d {
          SymmetricEigen.rotate(&a, &v, d: d, p: p, q: q)
        }
      }
    }

    values = (0..<d).map { a[$0 * d + $0] }
    vectors = v
    dimension = d
  }

  /// Zeroes a[p][q] by the rotation of angle θ with tan 2θ = 2a_pq / (a_qq - a_pp), applied
  /// to rows and columns p and q of `a` and to columns p and q of `v`.
  private static func rotate(_ a: inout [Double], _ v: inout [Double], d: Int, p: Int, q: Int) {
    let apq = a[p * d + q]
    if apq == 0 { return }
    let theta = (a[q * d + q] - a[p * d + p]) / (2 * apq)
    // t = tan θ, the smaller root of t² + 2θt - 1 = 0, for stability.
    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
    let c = 1 / (t * t + 1).squareRoot()
    let s = t * c

    for k in 0..<d {
      let akp = a[k * d + p]
      let akq = a[k * d + q]
      a[k * d + p] = c * akp - s * akq
      a[k * d + q] = s * akp + c * akq
    }
    for k in 0..<d {
      let apk = a[p * d + k]
      let aqk = a[q * d + k]
      a[p * d + k] = c * apk - s * aqk
      a[q * d + k] = s * apk + c * aqk
    }
    for k in 0..<d {
      let vkp = v[k * d + p]
      let vkq = v[k * d + q]
      v[k * d + p] = c * vkp - s * vkq
      v[k * d + q] = s * vkp + c * vkq
    }
  }

  /// Returns V·diag(f(λ))·Vᵀ, row-major `[d, d]`.
  public func applying(_ function: (Double) -> Double) -> [Double] {
    let d = dimension
    let mapped = values.map(function)
    var result = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0..<d {
        var sum = 0.0
        for k in 0..<d { sum += vectors[i * d + k] * mapped[k] * vectors[j * d + k] }
        result[i * d + j] = sum
      }
    }
    return result
  }

  /// Returns the principal square root of a symmetric positive semi-definite matrix.
  /// Eigenvalues below zero, which rounding produces for singular matrices, count as zero.
  public static func squareRoot(ofSymmetric matrix: [Double], dimension: Int) -> [Double] {
    SymmetricEigen(symmetric: matrix, dimension: dimension).applying { max($0, 0).squareRoot() }
  }
}
