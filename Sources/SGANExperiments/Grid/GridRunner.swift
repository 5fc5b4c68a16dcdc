import SGANCommandLine
import Foundation
import SGANTraining

/// Runs every cell of an ``ExperimentSpec`` into an output folder, skipping finished cells and
/// resuming partial ones from their checkpoints.
///
/// A cell is finished when its folder contains `result.json`. A cell with a checkpoint but no
/// result continues from the checkpoint, so an interrupted grid run by the same command again
/// ends with the same results as an uninterrupted one (bit for bit at the same thread count).
public final class GridRunner {
  public let spec: ExperimentSpec
  public let outputPath: String
  public let threads: Int

  /// The receiver of progress lines.
  public var report: (String) -> Void = { _ in }

  /// Creates a runner; `threads` worker threads share each batch.
  public init(spec: ExperimentSpec, outputPath: String, threads: Int) {
    precondition(threads >= 1, "a step needs at least one worker")
    self.spec = spec
    self.outputPath = outputPath
    self.threads = threads
  }

  /// Returns the cells of `experiment` in run order: settings, then seeds, then losses, so
  /// that a grid stopped early has compared both losses on the first seeds.
  public func cells(of experiment: Experiment) -> [Cell] {
    var cells: [Cell] = []
    for setting in experiment.settings {
      for seed in experiment.seeds {
        for loss in experiment.losses {
          cells.append(
            Cell(experiment: experiment.name, setting: setting.name, loss: loss, seed: seed))
        }
      }
    }
    return cells
  }

  /// Runs the cells of the experiments named in `only` (all when nil).
  ///
  /// `iterationBudget` caps the iterations each cell trains in this call, after which it
  /// writes a checkpoint and moves on; a later call continues it. Returns the results of the
  /// finished cells, including those finished before this call.
  ///
  /// - Throws: ``ExperimentError/interrupted(signal:)`` when `stop` receives a signal, after
  ///   the current cell's checkpoint; setting and file errors as they come.
  @discardableResult
  public func run(
    only: Set<String>? = nil, iterationBudget: Int? = nil, stop: StopRequest? = nil
  ) throws -> [CellResult] {
    try FileManager.default.createDirectory(
      atPath: outputPath, withIntermediateDirectories: true)
    try recordSpec()

    var results: [CellResult] = []
    for experiment in spec.experiments where only?.contains(experiment.name) ?? true {
      for cell in cells(of: experiment) {
        if let signal = stop?.received {
          throw ExperimentError.interrupted(signal: signal)
        }
        let directory = cell.path(in: outputPath)
        if let finished = try CellResult.read(fromDirectory: directory) {
          results.append(finished)
          continue
        }
        let setting = experiment.settings.first { $0.name == cell.setting }!
        report("\(cell.label): training")
        let result = try runCell(
          cell, experiment: experiment, setting: setting, directory: directory,
          iterationBudget: iterationBudget, stop: stop)
        if let result {
          report("\(cell.label): " + summary(of: result))
          results.append(result)
        } else if let signal = stop?.received {
          throw ExperimentError.interrupted(signal: signal)
        } else {
          report("\(cell.label): paused after the iteration budget; run again to continue")
        }
      }
    }
    return results
  }

  /// Writes `spec.json` in the output folder: the experiments of an earlier spec there,
  /// with those of this spec added or replaced by name, so that one folder can collect
  /// grids run by several commands and one report covers them all.
  func recordSpec() throws {
    let path = outputPath + "/spec.json"
    var merged = spec
    if FileManager.default.fileExists(atPath: path) {
      let earlier = try ExperimentSpec.read(from: path)
      let names = Set(spec.experiments.map(\.name))
      merged.experiments =
        earlier.experiments.filter { !names.contains($0.name) } + spec.experiments
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try writeAtomically(try encoder.encode(merged), to: path)
  }

  private func runCell(
    _ cell: Cell, experiment: Experiment, setting: NamedSetting, directory: String,
    iterationBudget: Int?, stop: StopRequest?
  ) throws -> CellResult? {
    switch experiment.kind {
    case .mixture:
      let settings = try mixtureSettings(experiment: experiment, setting: setting)
      let run = try MixtureRun(
        cell: cell, settings: settings, threads: threads, directory: directory)
      return try run.run(iterationBudget: iterationBudget, stop: stop)

    case .image:
      let configuration = try imageConfiguration(experiment: experiment, setting: setting)
      let evaluation = try imageEvaluationSettings(experiment: experiment, setting: setting)
      let classifier = try FashionClassifier.loadOrTrain(
        dataPath: configuration.dataPath, directory: outputPath + "/" + experiment.name,
        seed: 1, report: report)
      let run = ImageRun(
        cell: cell, configuration: configuration, evaluation: evaluation,
        classifier: classifier, directory: directory)
      run.report = report
      return try run.run(iterationBudget: iterationBudget, stop: stop)
    }
  }

  /// Resolves the mixture settings of one setting: defaults, then base, then the setting.
  public func mixtureSettings(experiment: Experiment, setting: NamedSetting) throws
    -> MixtureSettings
  {
    var settings = MixtureSettings()
    if let base = experiment.base { settings.apply(base) }
    settings.apply(setting.values)
    if let problem = settings.validationProblem() {
      throw ExperimentError.invalidSetting(
        experiment: experiment.name, setting: setting.name, reason: problem)
    }
    return settings
  }

  private func summary(of result: CellResult) -> String {
    let parts = MetricNames.all.compactMap { name in
      result.metrics[name].map { "\(name) \(String(format: "%.4g", $0))" }
    }
    let collapse = result.collapseStep.map { "collapsed at \($0)" } ?? "no collapse"
    return (parts + [collapse, String(format: "%.1f s", result.trainingSeconds)])
      .joined(separator: ", ")
  }
}
