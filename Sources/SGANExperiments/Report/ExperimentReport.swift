import Foundation
import SGANData
import SGANTraining

/// Writes the Markdown report of a grid folder, one section per experiment of its `spec.json`.
///
/// Each section has a results table with the mean ± sample standard deviation over the seeds
/// of the finished cells. Below it come the first seed's samples side by side (GAN left,
/// Softmax GAN right) and its discriminator loss curves.
public final class ExperimentReport {
  public let gridPath: String

  /// The project version printed under the title.
  public var versionLabel = "unknown"

  /// Markdown placed after the title, before the tables.
  public var notes = ""

  /// Creates a report of the grid in `gridPath`.
  public init(gridPath: String) {
    self.gridPath = gridPath
  }

  /// Writes the report to `path` and its figures to `figuresPath`, linked relative to the
  /// report's folder.
  public func write(toPath path: String, figuresPath: String) throws {
    let spec = try ExperimentSpec.read(from: gridPath + "/spec.json")
    try FileManager.default.createDirectory(
      atPath: figuresPath, withIntermediateDirectories: true)
    let reportFolder = URL(fileURLWithPath: path).deletingLastPathComponent().standardized.path
    let figuresFolder = URL(fileURLWithPath: figuresPath).standardized.path
    let linkPrefix =
      figuresFolder.hasPrefix(reportFolder + "/")
      ? String(figuresFolder.dropFirst(reportFolder.count + 1)) : figuresFolder

    var text = "# Experiments: standard GAN and Softmax GAN\n\n"
    text += "Written by `sgan-experiment report \(gridPath)` at project version "
    text += "`\(versionLabel)`. Every number below comes from the result files of that grid.\n\n"
    if !notes.isEmpty { text += notes.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }

    for experiment in spec.experiments {
      text += try section(experiment, figuresPath: figuresFolder, linkPrefix: linkPrefix)
    }
    try writeAtomically(Data(text.utf8), to: path)
  }

  /// Returns the section of one experiment and writes its figures.
  func section(_ experiment: Experiment, figuresPath: String, linkPrefix: String) throws -> String
  {
    var text = "## \(experiment.title ?? experiment.name)\n\n"
    var entries: [(setting: String, loss: LossKind, results: [CellResult])] = []
    var figures: [String] = []

    for setting in experiment.settings {
      for loss in experiment.losses {
        let results = try experiment.seeds.compactMap { seed in
          try CellResult.read(
            fromDirectory: Cell(
              experiment: experiment.name, setting: setting.name, loss: loss, seed: seed
            ).path(in: gridPath))
        }
        entries.append((setting.name, loss, results))
      }
      figures += try settingFigures(
        experiment, setting: setting, figuresPath: figuresPath, linkPrefix: linkPrefix)
    }

    let descriptions = experiment.settings.compactMap { setting in
      setting.description.map { "- `\(setting.name)`: \($0)" }
    }
    if !descriptions.isEmpty { text += descriptions.joined(separator: "\n") + "\n\n" }

    let metricNames = MetricNames.all.filter { name in
      entries.contains { $0.results.contains { $0.metrics[name] != nil } }
    }
    let header = ["setting", "loss", "seeds done", "iterations"] + metricNames
      + ["collapsed (first step)", "train s/cell"]
    text += "| " + header.joined(separator: " | ") + " |\n"
    text += "|" + String(repeating: " --- |", count: header.count) + "\n"
    for entry in entries {
      let row = tableRow(
        setting: entry.setting, loss: entry.loss, results: entry.results,
        seedCount: experiment.seeds.count, metricNames: metricNames)
      text += "| " + row.joined(separator: " | ") + " |\n"
    }
    text += "\nCells: mean ± sample standard deviation over the finished seeds.\n\n"
    text += figures.joined(separator: "\n") + "\n"
    return text
  }

  /// Draws the sample and loss figures of one setting and returns their Markdown lines.
  func settingFigures(
    _ experiment: Experiment, setting: NamedSetting, figuresPath: String, linkPrefix: String
  ) throws -> [String] {
    guard let seed = experiment.seeds.first else { return [] }
    let cells = experiment.losses.map {
      Cell(experiment: experiment.name, setting: setting.name, loss: $0, seed: seed)
    }
    let finished = try cells.filter { try CellResult.read(fromDirectory: $0.path(in: gridPath)) != nil }
    guard !finished.isEmpty else { return [] }
    let stem = "\(experiment.name)-\(setting.name)"
    var lines: [String] = []
    let order = finished.map { $0.loss == .gan ? "standard GAN" : "Softmax GAN" }
      .joined(separator: ", ")

    // Samples.
    var panels: [Image] = []
    for cell in finished {
      let directory = cell.path(in: gridPath)
      if experiment.kind == .mixture {
        let settings = try mixtureSettings(experiment, setting)
        let points = try readPoints(directory + "/points.csv")
        panels.append(
          Figures.scatter(
            points: points, mixture: settings.mixture.mixture,
            colour: cell.loss == .gan ? .gan : .softmax
          ).image)
      } else if let grid = try latestSampleGrid(in: directory) {
        panels.append(grid)
      }
    }
    if !panels.isEmpty {
      let name = "\(stem)-samples.png"
      try PNGEncoder.write(Figures.sideBySide(panels), toPath: figuresPath + "/" + name)
      lines.append(
        "![\(stem) samples](\(linkPrefix)/\(name))\n\n*\(setting.name), seed \(seed), "
          + "left to right: \(order). "
          + (experiment.kind == .mixture
            ? "Grey squares are the mode centres; each dot is one of the evaluated samples.*\n"
            : "The trainer's last 8x8 sample grid.*\n"))
    }

    // Discriminator loss above its lower bound.
    var series: [(values: [(Double, Double)], colour: Colour)] = []
    var maximum = 0.0
    for cell in finished {
      let directory = cell.path(in: gridPath)
      let batch = try batchSize(experiment, setting)
      let bound = DiscriminatorCollapse.lowerBound(loss: cell.loss, realCount: batch)
      let rows: [(Double, Double)] =
        experiment.kind == .mixture
        ? try LossLog.read(path: directory + "/log.csv").map {
          (Double($0.step), $0.discriminatorLoss - bound)
        }
        : try ImageRun.readLog(path: directory + "/log.csv").map {
          (Double($0.step), $0.loss - bound)
        }
      let smoothed = Figures.windowMeans(rows, count: 240)
      maximum = max(maximum, smoothed.map(\.1).filter(\.isFinite).max() ?? 0)
      series.append((smoothed, cell.loss == .gan ? .gan : .softmax))
    }
    let top = max(maximum * 1.05, 0.1)
    let name = "\(stem)-loss-d.png"
    try PNGEncoder.write(
      Figures.lines(series, yRange: 0...top).image, toPath: figuresPath + "/" + name)
    lines.append(
      "![\(stem) discriminator loss](\(linkPrefix)/\(name))\n\n*\(setting.name), seed \(seed): "
        + "L_D minus its lower bound (0 for the standard GAN, red; ln N for Softmax GAN, blue), "
        + String(format: "y from 0 to %.2f nats", top)
        + ", x over the iterations, window means of at most 240 points. A curve at 0 is a "
        + "discriminator that separates real from generated samples perfectly.*\n")
    return lines
  }

  private func mixtureSettings(_ experiment: Experiment, _ setting: NamedSetting) throws
    -> MixtureSettings
  {
    try GridRunner(spec: ExperimentSpec(experiments: [experiment]), outputPath: gridPath, threads: 1)
      .mixtureSettings(experiment: experiment, setting: setting)
  }

  private func batchSize(_ experiment: Experiment, _ setting: NamedSetting) throws -> Int {
    if experiment.kind == .mixture { return try mixtureSettings(experiment, setting).batchSize }
    return setting.values.batchSize ?? experiment.base?.batchSize ?? 64
  }

  private func readPoints(_ path: String) throws -> [Point2D] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ExperimentError.file(path: path, reason: "cannot be read")
    }
    return text.split(separator: "\n").dropFirst().compactMap { line in
      let fields = line.split(separator: ",")
      guard fields.count == 2, let x = Double(fields[0]), let y = Double(fields[1]) else {
        return nil
      }
      return Point2D(x, y)
    }
  }

  private func latestSampleGrid(in directory: String) throws -> Image? {
    let samples = directory + "/samples"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: samples),
      let last = names.filter({ $0.hasSuffix(".png") }).sorted().last
    else { return nil }
    let bytes = try readFileBytes(atPath: samples + "/" + last)
    return try bytes.withUnsafeBytes { try PNGDecoder.decode($0, path: samples + "/" + last) }
  }
}

/// Returns one table row: setting, loss, finished seeds, iterations, each metric's mean ±
/// sample standard deviation, the collapsed seeds with their first collapse step, and the
/// mean training time.
func tableRow(setting: String, loss: LossKind, results: [CellResult], seedCount: Int,
  metricNames: [String]) -> [String]
{
  var row = [
    "`\(setting)`", loss == .gan ? "GAN" : "Softmax GAN", "\(results.count)/\(seedCount)",
    summarize(results.map { Double($0.iterations) }, digits: 0),
  ]
  for name in metricNames {
    row.append(summarize(results.compactMap { $0.metrics[name] }, digits: 3))
  }
  let collapsed = results.compactMap(\.collapseStep)
  row.append(
    collapsed.isEmpty
      ? "0/\(results.count)"
      : "\(collapsed.count)/\(results.count) (\(collapsed.min()!))")
  row.append(summarize(results.map(\.trainingSeconds), digits: 0))
  return row
}

/// Formats the mean ± sample standard deviation of `values` (the mean alone for one value).
func summarize(_ values: [Double], digits: Int) -> String {
  guard !values.isEmpty else { return "–" }
  let mean = values.reduce(0, +) / Double(values.count)
  let format = "%.\(digits)f"
  guard values.count > 1 else { return String(format: format, mean) }
  let variance =
    values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
  return String(format: format, mean) + " ± " + String(format: format, variance.squareRoot())
}
