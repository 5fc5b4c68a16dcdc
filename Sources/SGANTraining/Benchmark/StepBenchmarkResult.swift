import SGANCore

/// The sgemm rate on T threads, measured before and after a benchmark's iterations.
public struct SGEMMRate: Sendable, Equatable {
  /// Threads multiplying at once, T.
  public var threads: Int

  /// GFLOP/s of all threads together, before and after the iterations.
  public var before: Double
  public var after: Double

  /// The mean of the two rates, GFLOP/s; on a shared machine they differ.
  public var mean: Double { (before + after) / 2 }
}

/// The measurements of one thread count.
public struct StepBenchmarkRow: Sendable {
  /// Thread count requested, and workers the step used (at most the larger half's size).
  public var threads: Int
  public var workers: Int

  /// Real (N) and generated (M) samples per step.
  public var realCount: Int
  public var generatedCount: Int

  /// Real images one iteration consumes: N times the discriminator updates.
  public var realImagesPerIteration: Int

  /// Floating-point operations of one iteration (``StepOperationCount``).
  public var operationsPerIteration: Double

  /// Wall seconds of each timed iteration.
  public var iterationSeconds: [Double]

  /// CPU seconds of each timed iteration, summed over every thread of the process.
  public var iterationCPUSeconds: [Double]

  /// Phase times of each timed iteration.
  public var phases: [PhaseTimes]

  /// Median, fastest and slowest iteration, in seconds.
  public var medianSeconds: Double { median(iterationSeconds) }
  public var minimumSeconds: Double { iterationSeconds.min() ?? .nan }
  public var maximumSeconds: Double { iterationSeconds.max() ?? .nan }

  /// Median CPU seconds per iteration over all threads.
  public var medianCPUSeconds: Double { median(iterationCPUSeconds) }

  /// Real images per second at the median iteration time.
  public var imagesPerSecond: Double { Double(realImagesPerIteration) / medianSeconds }

  /// Achieved GFLOP/s at the median iteration time.
  public var gigaflopsPerSecond: Double { operationsPerIteration / medianSeconds / 1e9 }

  /// The mean of each phase over the timed iterations, in seconds.
  public var meanPhases: PhaseTimes {
    var total = PhaseTimes()
    for times in phases { total += times }
    let scale = 1 / Double(max(phases.count, 1))
    var mean = PhaseTimes()
    mean.forward = total.forward * scale
    mean.combine = total.combine * scale
    mean.backward = total.backward * scale
    mean.reduce = total.reduce * scale
    mean.optimizer = total.optimizer * scale
    mean.communication = total.communication * scale
    mean.data = total.data * scale
    return mean
  }

  /// The mean iteration time, in seconds, the denominator of ``phaseShares``.
  public var meanSeconds: Double {
    iterationSeconds.reduce(0, +) / Double(max(iterationSeconds.count, 1))
  }

  /// Each phase's share of the mean iteration time; they add up to 1.
  ///
  /// `compute` is the parallel forward and backward phases, `combine` the serial combine
  /// points, `reduce` the gradient reduction, `optimizer` Adam, `communication` the exchanges
  /// with other processes (0 with one), `data` the wait for the real batch, and `other` the rest of the iteration outside any phase (finiteness checks, the
  /// loop itself), which runs serially too.
  public var phaseShares: PhaseShares {
    let mean = meanPhases
    let seconds = meanSeconds
    return PhaseShares(
      compute: (mean.forward + mean.backward) / seconds, combine: mean.combine / seconds,
      reduce: mean.reduce / seconds, optimizer: mean.optimizer / seconds,
      communication: mean.communication / seconds, data: mean.data / seconds, other: max(0, seconds - mean.total) / seconds)
  }
}

/// Shares of an iteration's wall time, each from 0 to 1 (see ``StepBenchmarkRow/phaseShares``).
public struct PhaseShares: Sendable, Equatable {
  public var compute: Double
  public var combine: Double
  public var reduce: Double
  public var optimizer: Double
  public var communication: Double
  public var data: Double
  public var other: Double

  /// The serial share: the combine points, the data wait and the time outside any phase.
  /// Communication is counted on its own.
  public var serial: Double { combine + data + other }
}

/// The outcome of a benchmark run: the settings as run, the sgemm references and one row per
/// thread count.
public struct StepBenchmarkResult: Sendable {
  /// The settings, with a dataset's image size and channels filled in.
  public var settings: StepBenchmark.Settings

  /// Processors the operating system makes available to the process.
  public var processorCount: Int

  /// The sgemm rate for 1, 2 and each listed thread count up to ``processorCount``.
  public var sgemm: [SGEMMRate]

  /// One row per thread count, in the order they ran.
  public var rows: [StepBenchmarkRow]

  /// The number of processes (MPI ranks) that ran each row, each with the row's threads.
  public var processes = 1

  /// Returns the speed-up of `row` over the first row: the ratio of images per second. In
  /// weak scaling this is the scaled speed-up.
  public func speedUp(_ row: StepBenchmarkRow) -> Double {
    guard let first = rows.first else { return .nan }
    return row.imagesPerSecond / first.imagesPerSecond
  }

  /// Returns the parallel efficiency of `row`: its speed-up over the ideal one,
  /// threads / the first row's threads.
  public func efficiency(_ row: StepBenchmarkRow) -> Double {
    guard let first = rows.first else { return .nan }
    return speedUp(row) * Double(first.threads) / Double(row.threads)
  }

  /// Returns the sgemm rate on as many threads as `row` ran in all processes, or nil.
  public func sgemmRate(of row: StepBenchmarkRow) -> Double? {
    sgemmRate(threads: row.threads * processes)
  }

  /// Returns the mean sgemm rate on `threads` threads, or nil when it was not measured.
  public func sgemmRate(threads: Int) -> Double? {
    guard let rate = sgemm.first(where: { $0.threads == threads })?.mean, rate.isFinite else {
      return nil
    }
    return rate
  }
}

/// Returns the median of `values`, the mean of the middle two for an even count.
func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
