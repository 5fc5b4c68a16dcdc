#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Per-worker scratch memory and GEMM accounting shared by the layers of one network replica.
///
/// A workspace belongs to one thread at a time. Its scratch buffer is sized once, when the
/// network is built, to the largest request of any layer at the network's maximum batch, so
/// layers never allocate during a pass. Layers route their GEMMs through ``gemm`` so that a
/// benchmark can split layer time into GEMM and other work.
public final class Workspace {
  /// Number of Float32 values in ``scratch``.
  public let scratchCount: Int

  /// Start of the scratch buffer. Its contents are undefined between layer calls.
  public let scratch: UnsafeMutablePointer<Float>

  private let scratchStorage: TensorStorage

  /// Whether ``gemm`` measures its calls into ``gemmSeconds`` and ``gemmOperations``.
  public var isProfiling = false

  /// CPU seconds of the calling thread spent inside GEMM since the last ``resetProfile()``,
  /// counted while profiling.
  public private(set) var gemmSeconds = 0.0

  /// Floating-point operations (2 m n k per product) since the last ``resetProfile()``.
  public private(set) var gemmOperations = 0.0

  /// Allocates `scratchCount` values of scratch.
  public init(scratchCount: Int) {
    self.scratchCount = scratchCount
    scratchStorage = TensorStorage(count: scratchCount)
    scratch = scratchStorage.baseAddress
  }

  /// Clears the GEMM time and operation counters.
  public func resetProfile() {
    gemmSeconds = 0
    gemmOperations = 0
  }

  /// Computes `C = alpha * op(A) * op(B) + beta * C` (see ``BLAS/sgemm``), timing it when
  /// profiling.
  @inline(__always)
  public func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let start = isProfiling ? threadCPUSeconds() : 0
    BLAS.sgemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    if isProfiling {
      gemmSeconds += threadCPUSeconds() - start
      gemmOperations += 2 * Double(m) * Double(n) * Double(k)
    }
  }
}

/// Returns a monotonic clock reading in seconds, for benchmarks and profiles.
public func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Returns the CPU time the calling thread has used, in seconds.
///
/// Profiles use it instead of the wall clock because it leaves out the time the thread waits
/// while other processes run, which dominates wall times on a shared machine. For one thread
/// on an otherwise idle core the two agree.
public func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
