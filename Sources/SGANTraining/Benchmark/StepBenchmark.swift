import Foundation
import SGANCore
import SGANData

#if canImport(Glibc)
  import Glibc
#endif

/// Times the training iteration sgan-train runs (``GANStep/runIteration(_:discriminatorSteps:generatorSteps:realBatch:loadRealBatch:check:)``)
/// for a list of thread counts, in strong scaling (the same batch for every thread count) or
/// weak scaling (the same batch per thread).
///
/// Every thread count gets fresh networks with the same seed, warm-up iterations, then timed
/// iterations. Real batches are random normal values made once, or batches of a packed
/// dataset read as sgan-train reads them. The machine's sgemm rate on T threads is measured
/// before and after the iterations, for each thread count up to the number of processors.
public enum StepBenchmark {
  /// The settings of one benchmark run.
  public struct Settings: Sendable {
    /// The networks' architecture. With a dataset, its image size and channels replace these.
    public var architecture = DCGANConfiguration()

    /// The loss both networks train with.
    public var loss = GANLoss.softmax

    /// Real samples per step, N; per thread in weak scaling.
    public var batchSize = 64

    /// Generated samples per step, M; per thread in weak scaling.
    public var generatedSize = 64

    /// Discriminator and generator updates per iteration.
    public var discriminatorSteps = 1
    public var generatorSteps = 1

    /// The thread counts, in the order they run.
    public var threadCounts = [1, 2]

    /// Whether the batch grows with the thread count (weak scaling).
    public var weakScaling = false

    /// Untimed iterations before the timed ones, for each thread count.
    public var warmUpIterations = 1

    /// Timed iterations for each thread count.
    public var timedIterations = 5

    /// A packed dataset to read real batches from (every image, in sgan-train's shuffled
    /// order), or nil for random batches.
    public var dataPath: String?

    /// Side of the square matrices of the sgemm reference; 0 skips the reference.
    public var sgemmSize = 1024

    /// Seed of initialisation, latent noise and data order.
    public var seed: UInt64 = 1

    /// Creates the defaults: 64x64x3 DCGAN, nz 100, 64 filters, Softmax GAN, batch 64 + 64,
    /// 1 and 2 threads, strong scaling, 1 warm-up and 5 timed iterations, random batches.
    public init() {}

    /// Returns the real and generated batch sizes for `threads` threads.
    public func batchSizes(threads: Int) -> (real: Int, generated: Int) {
      weakScaling ? (batchSize * threads, generatedSize * threads) : (batchSize, generatedSize)
    }
  }

  /// Runs `settings` and returns one row per thread count. `progress` receives a line before
  /// each stage.
  ///
  /// With a `group` of several processes (MPI ranks), every rank runs each row with the
  /// row's threads on its slice of the batch, and the rows report rank 0's times; rank 0
  /// alone measures the sgemm references, for as many threads as all ranks run, while the
  /// others wait. Collective.
  ///
  /// - Throws: `DCGANConfigurationError` for an unsupported architecture; reader errors for a
  ///   dataset that cannot be read or contains fewer images than one batch.
  public static func run(
    _ settings: Settings, group: ProcessGroup = SingleProcessGroup(),
    progress: (String) -> Void = { _ in }
  ) throws -> StepBenchmarkResult {
    var settings = settings
    if let dataPath = settings.dataPath {
      let shape = try group.collectively { try PackedDataset(path: dataPath).shape }
      settings.architecture.imageSize = shape.height
      settings.architecture.channels = shape.channels
    }
    try settings.architecture.validate()

    let processors = ProcessInfo.processInfo.activeProcessorCount
    let totals = settings.threadCounts.map { $0 * group.size }
    let referenceThreads = Array(Set([1, 2] + totals)).sorted().filter { $0 <= processors }
    let referenceBefore = measureReference(
      settings, threads: referenceThreads, group: group, progress)

    var rows: [StepBenchmarkRow] = []
    for threads in settings.threadCounts {
      let sizes = settings.batchSizes(threads: threads)
      progress(
        "timing \(threads) thread(s) at batch \(sizes.real) + \(sizes.generated): "
          + "\(settings.warmUpIterations) warm-up, \(settings.timedIterations) timed iterations")
      rows.append(try measure(settings, threads: threads, group: group))
    }

    let referenceAfter = measureReference(
      settings, threads: referenceThreads, group: group, progress)
    let references = referenceThreads.compactMap { threads -> SGEMMRate? in
      guard let before = referenceBefore[threads], let after = referenceAfter[threads] else {
        return nil
      }
      return SGEMMRate(threads: threads, before: before, after: after)
    }
    var result = StepBenchmarkResult(
      settings: settings, processorCount: processors, sgemm: references, rows: rows)
    result.processes = group.size
    return result
  }

  /// Measures the sgemm rate for each of `threads`, keyed by thread count.
  /// With several processes, rank 0 measures while the others wait, leaving it the cores.
  static func measureReference(
    _ settings: Settings, threads: [Int], group: ProcessGroup, _ progress: (String) -> Void
  ) -> [Int: Double] {
    defer { _ = group.allGather([]) }
    var rates: [Int: Double] = [:]
    for count in threads where group.rank == 0 {
      if settings.sgemmSize == 0 {
        rates[count] = .nan
        continue
      }
      progress("measuring sgemm on \(count) thread(s), \(settings.sgemmSize)³ per thread")
      rates[count] = SGEMMReference.rate(threads: count, size: settings.sgemmSize)
    }
    return rates
  }

  /// Builds a step for `threads` threads, runs the warm-up and timed iterations, and returns
  /// the row.
  static func measure(
    _ settings: Settings, threads: Int, group: ProcessGroup = SingleProcessGroup()
  ) throws -> StepBenchmarkRow {
    let sizes = settings.batchSizes(threads: threads)
    let architecture = settings.architecture
    let generator = try DCGAN.makeGenerator(architecture, maxBatch: sizes.generated)
    let discriminator = try DCGAN.makeDiscriminator(
      architecture, maxBatch: max(sizes.real, sizes.generated))
    let random = CounterRandom(seed: settings.seed)
    generator.initializeDCGAN(random: random, networkIndex: 0)
    discriminator.initializeDCGAN(random: random, networkIndex: 1)

    let step = GANStep(
      generator: generator, discriminator: discriminator, loss: settings.loss,
      realCount: sizes.real, generatedCount: sizes.generated, threads: threads, random: random,
      generatorOptimizer: Adam(parameterCount: generator.parameterCount),
      discriminatorOptimizer: Adam(parameterCount: discriminator.parameterCount), group: group)
    let realBatch = Tensor(
      shape: TensorShape(
        step.realRange.count, architecture.channels, architecture.imageSize,
        architecture.imageSize))
    let loadRealBatch = try makeBatchSource(
      settings, batch: realBatch, batchSize: sizes.real,
      slice: group.size > 1 ? step.realRange : nil)

    var seconds: [Double] = []
    var cpuSeconds: [Double] = []
    var phases: [PhaseTimes] = []
    for iteration in 0..<(settings.warmUpIterations + settings.timedIterations) {
      let start = monotonicSeconds()
      let cpuStart = processCPUSeconds()
      _ = try step.runIteration(
        iteration, discriminatorSteps: settings.discriminatorSteps,
        generatorSteps: settings.generatorSteps, realBatch: realBatch,
        loadRealBatch: loadRealBatch, check: { _, _ in })
      let elapsed = monotonicSeconds() - start
      let cpuElapsed = processCPUSeconds() - cpuStart
      if iteration >= settings.warmUpIterations {
        seconds.append(elapsed)
        cpuSeconds.append(cpuElapsed)
        phases.append(step.times)
      }
    }

    let operations = StepOperationCount(
      generator: generator, discriminator: discriminator, loss: settings.loss,
      realCount: sizes.real, generatedCount: sizes.generated,
      discriminatorSteps: settings.discriminatorSteps, generatorSteps: settings.generatorSteps,
      discriminatorGradientsInGeneratorStep: step.computesDiscriminatorGradientsInGeneratorStep)
    return StepBenchmarkRow(
      threads: threads, workers: step.workerCount, realCount: sizes.real,
      generatedCount: sizes.generated,
      realImagesPerIteration: sizes.real * settings.discriminatorSteps,
      operationsPerIteration: operations.iteration, iterationSeconds: seconds,
      iterationCPUSeconds: cpuSeconds, phases: phases)
  }

  /// Returns the closure that fills `batch` before each discriminator update: a reader over
  /// the dataset's train split (positions `slice` of each batch of `batchSize`), or nothing
  /// for random values written once here.
  static func makeBatchSource(
    _ settings: Settings, batch: Tensor, batchSize: Int, slice: Range<Int>?
  ) throws -> () throws -> Void {
    guard let dataPath = settings.dataPath else {
      CounterRandom(seed: settings.seed).fillNormal(
        batch, purpose: .dataOrder, step: 0, sample: 0)
      return {}
    }
    let reader = try BatchReader(
      path: dataPath, split: .all, batchSize: batchSize, slice: slice, seed: settings.seed)
    let destination = UnsafeMutableBufferPointer(start: batch.pointer, count: batch.count)
    return { try reader.nextBatch(into: destination) }
  }
}

/// Returns the CPU time of every thread of the process, in seconds.
///
/// On a machine shared with other jobs, CPU time per iteration shows the work of the step
/// apart from the time its threads wait for a core. It includes the prefetch thread of a
/// dataset reader.
func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
