import SGANCommandLine
import Foundation
import SGANCore
import SGANData
import SGANTraining

/// Trains one mixture cell with the data-parallel ``GANStep`` and evaluates it.
///
/// The cell folder receives `config.json` (the settings), `log.csv` (``LossLog``),
/// `checkpoint.h5` (the trainer's checkpoint format, with image shape [1, 1, 2]),
/// `points.csv` (the evaluated samples) and finally `result.json`. The schedule is the
/// trainer's: iteration t runs D updates on real batches t·d ..< (t + 1)·d of the mixture
/// stream, then G updates, the first reusing the last generated batch. Everything is a
/// function of (settings, seed, threads), so a resumed cell equals an uninterrupted one bit
/// for bit at the same thread count.
public final class MixtureRun {
  public let cell: Cell
  public let settings: MixtureSettings
  public let directory: String
  public let step: GANStep
  public private(set) var iteration = 0

  let mixture: GaussianMixture
  let random: CounterRandom
  let realBatch: Tensor  // [N, 2, 1, 1]
  let log: LossLog
  let configurationJSON: String
  var previousSeconds = 0.0

  /// Opens the cell in `directory`, resuming from its checkpoint when there is one.
  public init(cell: Cell, settings: MixtureSettings, threads: Int, directory: String) throws {
    self.cell = cell
    self.settings = settings
    self.directory = directory
    mixture = settings.mixture.mixture
    random = CounterRandom(seed: cell.seed)

    let generator = MLP.makeNetwork(
      sizes: settings.generatorSizes, activation: .relu, maxBatch: settings.batchSize)
    let discriminator = MLP.makeNetwork(
      sizes: settings.discriminatorSizes, activation: .leakyReLU, lastLayerBias: false,
      maxBatch: settings.batchSize)
    generator.initializeFanInUniform(random: random, networkIndex: 0)
    discriminator.initializeFanInUniform(random: random, networkIndex: 1)
    let optimizer = { (network: Network) in
      Adam(
        parameterCount: network.parameterCount, learningRate: Float(settings.learningRate),
        beta1: Float(settings.beta1), beta2: Float(settings.beta2))
    }
    step = GANStep(
      generator: generator, discriminator: discriminator,
      loss: cell.loss == .softmax ? .softmax : .standard, realCount: settings.batchSize,
      generatedCount: settings.batchSize, threads: threads, random: random,
      generatorOptimizer: optimizer(generator), discriminatorOptimizer: optimizer(discriminator))
    realBatch = Tensor(shape: TensorShape(settings.batchSize, 2, 1, 1))

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    configurationJSON = String(decoding: try encoder.encode(settings), as: UTF8.self)

    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    let checkpointPath = directory + "/checkpoint.h5"
    if FileManager.default.fileExists(atPath: checkpointPath) {
      let state = try Checkpoint.readState(from: checkpointPath)
      guard state.configurationJSON == configurationJSON, state.seed == cell.seed else {
        throw ExperimentError.file(
          path: checkpointPath,
          reason: "it was written with other settings or another seed; delete the cell folder "
            + "to rerun it with the spec's settings")
      }
      try Checkpoint.restore(step, from: checkpointPath)
      iteration = state.iteration
    }
    log = try LossLog(path: directory + "/log.csv", resumeStep: iteration)
    previousSeconds = log.rows.last?.seconds ?? 0
    try writeAtomically(Data(configurationJSON.utf8), to: directory + "/config.json")
  }

  /// Trains up to `settings.steps` iterations, or `iterationBudget` more when given, then
  /// evaluates and writes `result.json` if the cell is complete.
  ///
  /// Returns the result, or nil when the budget or `stop` ended the session first (after a
  /// checkpoint). A non-finite loss ends training early: the cell is complete, diverged, and
  /// its collapse step is that iteration.
  public func run(iterationBudget: Int? = nil, stop: StopRequest? = nil) throws -> CellResult? {
    let end = min(settings.steps, iterationBudget.map { iteration + $0 } ?? Int.max)
    let start = monotonicSeconds()
    var divergedAt: Int?

    while iteration < end {
      if stop?.received != nil { break }
      let losses = runIteration()
      iteration += 1
      log.append(
        LossLogRow(
          step: iteration, discriminatorLoss: losses.discriminator,
          generatorLoss: losses.generator,
          seconds: previousSeconds + monotonicSeconds() - start))
      if !losses.discriminator.isFinite || !losses.generator.isFinite {
        divergedAt = iteration
        break
      }
      if iteration % settings.checkpointEvery == 0 {
        try writeCheckpoint()
      }
    }
    try writeCheckpoint()

    guard iteration >= settings.steps || divergedAt != nil else { return nil }
    return try evaluate(divergedAt: divergedAt)
  }

  /// Runs the D updates, then the G updates, of one iteration; returns the last losses.
  private func runIteration() -> (discriminator: Double, generator: Double) {
    let (d, g) = (settings.discriminatorSteps, settings.generatorSteps)
    let noiseBase = iteration * (d + g - 1)
    var discriminatorLoss = Double.nan
    for update in 0..<d {
      mixture.sample(into: realBatch, random: random, step: iteration * d + update)
      discriminatorLoss = step.discriminatorStep(
        realBatch: realBatch, noiseIndex: noiseBase + update
      ).loss
      step.updateDiscriminator()
    }

    var generatorLoss = Double.nan
    for update in 0..<g {
      generatorLoss = step.generatorStep(noiseIndex: update == 0 ? nil : noiseBase + d + update - 1)
      step.updateGenerator()
    }
    return (discriminatorLoss, generatorLoss)
  }

  private func writeCheckpoint() throws {
    try log.flush()
    try Checkpoint.write(
      to: directory + "/checkpoint.h5", step: step, iteration: iteration,
      dataPosition: .start, seed: cell.seed, imageShape: [1, 1, 2],
      configurationJSON: configurationJSON)
  }

  /// Returns `settings.evaluationSamples` points of the generator in inference mode, from the
  /// latent stream (``RandomPurpose/evaluationLatents``, 0, i).
  public func generatePoints() -> [Point2D] {
    let count = settings.evaluationSamples
    let sampler = step.generator.makeReplica(maxBatch: count)
    sampler.mode = .inference
    let latents = Tensor(shape: TensorShape(count, settings.latentSize, 1, 1))
    for n in 0..<count {
      random.fillNormal(
        latents.pointer + n * settings.latentSize, count: settings.latentSize,
        purpose: .evaluationLatents, step: 0, sample: n)
    }
    let output = sampler.forward(latents)
    return (0..<count).map { n in
      Point2D(Double(output.pointer[2 * n]), Double(output.pointer[2 * n + 1]))
    }
  }

  private func evaluate(divergedAt: Int?) throws -> CellResult {
    let points = generatePoints()
    var text = "x,y\n"
    for point in points { text += "\(point.x),\(point.y)\n" }
    try writeAtomically(Data(text.utf8), to: directory + "/points.csv")

    let metrics = MixtureMetrics(samples: points, mixture: mixture)
    let criterion = DiscriminatorCollapse()
    let collapse =
      divergedAt
      ?? criterion.collapseStep(
        steps: log.rows.map(\.step), discriminatorLosses: log.rows.map(\.discriminatorLoss),
        lowerBound: DiscriminatorCollapse.lowerBound(
          loss: cell.loss, realCount: settings.batchSize))
    let result = CellResult(
      cell: cell, iterations: iteration, threads: step.workerCount,
      trainingSeconds: log.rows.last?.seconds ?? 0,
      metrics: [
        MetricNames.modesCovered: Double(metrics.modesCovered),
        MetricNames.highQualityShare: metrics.highQualityShare,
        MetricNames.modeKullbackLeibler: metrics.kullbackLeibler,
        MetricNames.finalDiscriminatorLoss: log.rows.last?.discriminatorLoss ?? .nan,
      ],
      collapseStep: collapse)
    try result.write(toDirectory: directory)
    return result
  }
}
