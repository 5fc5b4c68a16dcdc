import SGANCommandLine
import Foundation
import SGANCore
import SGANData
import SGANTraining

/// Settings of an image cell's evaluation.
public struct ImageEvaluationSettings: Sendable {
  /// Generated images the metrics use; the same number of test images is the reference.
  public var samples = 2000
}

extension GridRunner {
  /// Resolves the training configuration of one image setting: the trainer's defaults, then
  /// the base, then the setting. `dataPath` must be set by one of them.
  public func imageConfiguration(experiment: Experiment, setting: NamedSetting) throws
    -> TrainingConfiguration
  {
    var configuration = TrainingConfiguration(dataPath: "")
    configuration.threads = threads
    configuration.logEvery = 10
    for values in [experiment.base, setting.values].compactMap({ $0 }) {
      if let value = values.dataPath { configuration.dataPath = value }
      if let value = values.steps { configuration.steps = value }
      if let value = values.batchSize {
        configuration.batchSize = value
        configuration.fakeSize = value
      }
      if let value = values.learningRate { configuration.learningRate = value }
      if let value = values.beta1 { configuration.beta1 = value }
      if let value = values.beta2 { configuration.beta2 = value }
      if let value = values.discriminatorSteps { configuration.discriminatorSteps = value }
      if let value = values.generatorSteps { configuration.generatorSteps = value }
      if let value = values.latentSize { configuration.latentSize = value }
      if let value = values.filters { configuration.filters = value }
      if let value = values.inputRange { configuration.inputRange = value }
      if let value = values.generatorBatchNorm { configuration.generatorBatchNorm = value }
      if let value = values.discriminatorBatchNorm { configuration.discriminatorBatchNorm = value }
      if let value = values.constantGeneratorFilters {
        configuration.constantGeneratorFilters = value
      }
      if let value = values.discriminatorReLU { configuration.discriminatorReLU = value }
      if let value = values.sampleEvery { configuration.sampleEvery = value }
      if let value = values.checkpointEvery { configuration.checkpointEvery = value }
      if let value = values.logEvery { configuration.logEvery = value }
    }
    var problem = configuration.validationProblem()
    if configuration.dataPath.isEmpty {
      problem = "dataPath is missing; set it to a dataset packed with sgan-pack idx --size 32"
    }
    if let problem {
      throw ExperimentError.invalidSetting(
        experiment: experiment.name, setting: setting.name, reason: problem)
    }
    return configuration
  }

  /// Resolves the evaluation settings of one image setting.
  func imageEvaluationSettings(experiment: Experiment, setting: NamedSetting) throws
    -> ImageEvaluationSettings
  {
    var evaluation = ImageEvaluationSettings()
    for values in [experiment.base, setting.values].compactMap({ $0 }) {
      if let value = values.evaluationSamples { evaluation.samples = value }
    }
    if evaluation.samples < 2 {
      throw ExperimentError.invalidSetting(
        experiment: experiment.name, setting: setting.name,
        reason: "evaluationSamples must be at least 2")
    }
    return evaluation
  }
}

/// Trains one image cell with ``Trainer`` and evaluates its generator with a
/// ``FashionClassifier``.
///
/// The cell folder is an ordinary sgan-train run folder (config.json, log.csv, samples,
/// checkpoint.h5), so `sgan-train --resume` and `sgan-sample` work on it too, plus
/// `result.json` once the cell is evaluated.
final class ImageRun {
  let cell: Cell
  let configuration: TrainingConfiguration
  let evaluation: ImageEvaluationSettings
  let classifier: FashionClassifier
  let directory: String
  var report: (String) -> Void = { _ in }

  init(
    cell: Cell, configuration: TrainingConfiguration, evaluation: ImageEvaluationSettings,
    classifier: FashionClassifier, directory: String
  ) {
    var configuration = configuration
    configuration.seed = cell.seed
    configuration.loss = cell.loss
    self.cell = cell
    self.configuration = configuration
    self.evaluation = evaluation
    self.classifier = classifier
    self.directory = directory
  }

  /// Trains up to the configured steps, or `iterationBudget` more, then evaluates.
  /// Returns nil when the budget ended the session first.
  func run(iterationBudget: Int?, stop: StopRequest?) throws -> CellResult? {
    let run = RunDirectory(path: directory)
    var completed = 0
    if FileManager.default.fileExists(atPath: run.checkpointPath) {
      let state = try Checkpoint.readState(from: run.checkpointPath)
      var stored = try state.configuration(path: run.checkpointPath)
      (stored.steps, stored.threads) = (configuration.steps, configuration.threads)
      // The trainer stores the data path made absolute and the split "auto" resolved.
      var expected = configuration
      expected.dataPath = URL(fileURLWithPath: expected.dataPath).standardizedFileURL.path
      if expected.split == "auto" {
        expected.split = stored.split
      }
      guard stored == expected else {
        throw ExperimentError.file(
          path: run.checkpointPath,
          reason: "it was written with other settings; delete the cell folder to rerun it")
      }
      completed = state.iteration
    }

    var divergedAt: Int?
    if completed < configuration.steps {
      let end = min(configuration.steps, iterationBudget.map { completed + $0 } ?? Int.max)
      let trainer: Trainer
      if completed > 0 {
        trainer = try Trainer(
          resumeIn: directory,
          changes: ResumeChanges(steps: end, threads: configuration.threads))
      } else {
        var first = configuration
        first.steps = end
        trainer = try Trainer(newRunIn: directory, configuration: first, overwrite: true)
      }
      trainer.report = { [cell, report] line in report("\(cell.label): \(line)") }
      do {
        completed = try trainer.train(stop: stop).iterations
      } catch TrainingError.interrupted(let signal, _, _) {
        throw ExperimentError.interrupted(signal: signal)
      } catch TrainingError.nonFinite(let step, _, _) {
        divergedAt = step
      }
      if completed < configuration.steps && divergedAt == nil { return nil }
    }
    return try evaluate(divergedAt: divergedAt)
  }

  /// Generates the evaluation images from the checkpoint's generator and computes the metrics.
  private func evaluate(divergedAt: Int?) throws -> CellResult {
    let run = RunDirectory(path: directory)
    let record = try RunRecord.read(from: run.configurationPath)
    let pixels = try generate(imageShape: record.imageShape)
    let count = evaluation.samples

    let judged = classifier.classify(pixels: pixels, count: count)
    let classes = ClassMetrics(
      predictions: judged.predictions, classCount: FashionClassifier.classCount)
    let generated = FeatureStatistics(
      features: judged.features, dimension: FashionClassifier.featureDimension)
    let real = try classifier.realReference(count: count)
    let distance = meanPairwiseDistance(
      unitPixels(pixels, count: min(500, count)), dimension: 1024)

    let rows = try ImageRun.readLog(path: run.logPath)
    let collapse =
      divergedAt
      ?? DiscriminatorCollapse().collapseStep(
        steps: rows.map(\.step), discriminatorLosses: rows.map(\.loss),
        lowerBound: DiscriminatorCollapse.lowerBound(
          loss: cell.loss, realCount: configuration.batchSize))
    let result = CellResult(
      cell: cell, iterations: rows.last?.step ?? 0, threads: configuration.threads,
      trainingSeconds: rows.reduce(0) { $0 + $1.milliseconds } / 1000,
      metrics: [
        MetricNames.classKullbackLeibler: classes.kullbackLeibler,
        MetricNames.classesCovered: Double(classes.classesCovered),
        MetricNames.frechetDistance: FeatureStatistics.frechetDistance(real.statistics, generated),
        MetricNames.meanPairwiseDistance: distance,
        MetricNames.realMeanPairwiseDistance: real.distance,
        MetricNames.finalDiscriminatorLoss: rows.last?.loss ?? .nan,
      ],
      collapseStep: collapse)
    try result.write(toDirectory: directory)
    return result
  }

  /// Returns `evaluation.samples` generated images as 8-bit pixels, from the checkpoint's
  /// generator in inference mode and the latent stream (``RandomPurpose/evaluationLatents``,
  /// 0, i).
  private func generate(imageShape: [Int]) throws -> [UInt8] {
    var architecture = DCGANConfiguration()
    architecture.imageSize = imageShape[0]
    architecture.channels = imageShape[2]
    architecture.latentSize = configuration.latentSize
    architecture.generatorFilters = configuration.filters
    architecture.generatorBatchNorm = configuration.generatorBatchNorm
    architecture.constantGeneratorFilters = configuration.constantGeneratorFilters
    architecture.outputRange = configuration.inputRange == .symmetric ? .symmetric : .unit
    let chunk = 200
    let generator = try DCGAN.makeGenerator(architecture, maxBatch: chunk)
    try Checkpoint.restoreGenerator(generator, from: RunDirectory(path: directory).checkpointPath)
    generator.mode = .inference

    let random = CounterRandom(seed: cell.seed)
    let latents = Tensor(shape: TensorShape(chunk, configuration.latentSize, 1, 1))
    var pixels: [UInt8] = []
    for start in stride(from: 0, to: evaluation.samples, by: chunk) {
      let size = min(chunk, evaluation.samples - start)
      let batch = latents.samples(0, count: size)
      for n in 0..<size {
        random.fillNormal(
          batch.pointer + n * configuration.latentSize, count: configuration.latentSize,
          purpose: .evaluationLatents, step: 0, sample: start + n)
      }
      let images = generator.forward(batch)
      for image in SampleGrid.images(from: images, range: configuration.inputRange) {
        pixels += image.pixels
      }
    }
    return pixels
  }

  /// Reads step, L_D and step time from the trainer's log.csv.
  static func readLog(path: String) throws -> [(step: Int, loss: Double, milliseconds: Double)] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ExperimentError.file(path: path, reason: "cannot be read")
    }
    let lines = text.split(separator: "\n")
    guard let header = lines.first?.split(separator: ","),
      let stepColumn = header.firstIndex(of: "step"),
      let lossColumn = header.firstIndex(of: "loss_d"),
      let timeColumn = header.firstIndex(of: "step_ms")
    else {
      throw ExperimentError.file(path: path, reason: "has no step, loss_d and step_ms columns")
    }
    return lines.dropFirst().compactMap { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == header.count, let step = Int(fields[stepColumn]) else { return nil }
      return (step, Double(fields[lossColumn]) ?? .nan, Double(fields[timeColumn]) ?? 0)
    }
  }
}
