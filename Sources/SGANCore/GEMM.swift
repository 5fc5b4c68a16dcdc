import COpenBLAS

/// Matrix products through OpenBLAS's single-precision GEMM.
public enum BLAS {
  /// Sets OpenBLAS to one thread, once per process.
  ///
  /// Parallelism comes from splitting the batch across worker threads, each of which calls GEMM;
  /// a second thread pool inside OpenBLAS would oversubscribe the cores. ``Network`` calls this
  /// on construction, so callers need it only for GEMMs outside a network.
  public static func useSingleThread() {
    _ = singleThreadSetting
  }

  private static let singleThreadSetting: Void = {
    openblas_set_num_threads(1)
  }()

  /// Computes `C = alpha * op(A) * op(B) + beta * C` for row-major matrices.
  ///
  /// `op(A)` is `[m, k]`, `op(B)` is `[k, n]` and `C` is `[m, n]`; `lda`, `ldb` and `ldc` are the
  /// row strides of the stored (untransposed) matrices. Empty products are handled here because
  /// OpenBLAS rejects some zero extents: with `k == 0` the result is `beta * C`.
  @inline(__always)
  public static func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }

    if k == 0 {
      for row in 0..<m {
        let cRow = c + row * ldc
        for column in 0..<n { cRow[column] = beta == 0 ? 0 : beta * cRow[column] }
      }
      return
    }

    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
      transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}
