import Dispatch
import SGANCore

/// The machine's single-precision GEMM rate on T threads: each thread multiplies its own
/// square matrices with single-threaded OpenBLAS, all threads at once, as the workers of a
/// step do. This is the ceiling to hold a step's achieved rate against.
public enum SGEMMReference {
  /// Returns the combined GFLOP/s of `threads` threads, each repeating a `size`³ product
  /// (2·size³ operations) for about `seconds` of wall time after one warm-up product.
  ///
  /// Every thread stops at the first product that ends after the deadline; the rate divides
  /// all threads' operations by the wall time until the last one stops.
  public static func rate(threads: Int, size: Int, seconds: Double = 1) -> Double {
    precondition(threads >= 1 && size >= 1, "need at least one thread and a non-empty product")
    BLAS.useSingleThread()
    let matrices = (0..<threads).map { thread in
      (0..<3).map { index in
        let matrix = Tensor(shape: TensorShape(size, size, 1, 1))
        CounterRandom(seed: 1).fillNormal(
          matrix, purpose: .initialization, step: thread, sample: index)
        return matrix
      }
    }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: threads)
    let finishTimes = UnsafeMutablePointer<Double>.allocate(capacity: threads)
    defer {
      counts.deallocate()
      finishTimes.deallocate()
    }

    func multiply(_ thread: Int) {
      let (a, b, c) = (matrices[thread][0], matrices[thread][1], matrices[thread][2])
      BLAS.sgemm(
        transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1,
        a: a.pointer, lda: size, b: b.pointer, ldb: size, beta: 0, c: c.pointer, ldc: size)
    }
    DispatchQueue.concurrentPerform(iterations: threads) { multiply($0) }

    let start = monotonicSeconds()
    let deadline = start + seconds
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      var count = 0
      var now = start
      while now < deadline {
        multiply(thread)
        count += 1
        now = monotonicSeconds()
      }
      counts[thread] = count
      finishTimes[thread] = now
    }

    var products = 0
    var end = start
    for thread in 0..<threads {
      products += counts[thread]
      end = max(end, finishTimes[thread])
    }
    return 2 * Double(size) * Double(size) * Double(size) * Double(products) / (end - start) / 1e9
  }
}
