import Foundation
import SGANCore
import SGANTraining
import Testing

@testable import SGANExperiments

/// Returns a new empty temporary folder.
func makeTemporaryDirectory() throws -> String {
  let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("sgan-experiments-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// Returns a grid of 2 losses x 2 seeds on the ring with networks small enough to train in a moment.
func tinyMixtureSpec(steps: Int = 12) -> ExperimentSpec {
  var base = SettingValues()
  base.mixture = .ring
  base.steps = steps
  base.batchSize = 16
  base.hiddenWidth = 8
  base.hiddenLayers = 1
  base.checkpointEvery = 4
  base.evaluationSamples = 50
  return ExperimentSpec(experiments: [
    Experiment(
      name: "tiny", title: nil, kind: .mixture, losses: [.gan, .softmax], seeds: [1, 2],
      base: base, settings: [NamedSetting(name: "baseline")])
  ])
}

@Suite struct GridRunnerTests {
  @Test func gridFinishesEveryCell() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let results = try GridRunner(spec: tinyMixtureSpec(), outputPath: directory, threads: 1).run()
    #expect(results.count == 4)
    #expect(results.allSatisfy { $0.iterations == 12 })
    #expect(results.allSatisfy { $0.metrics[MetricNames.modesCovered] != nil })
  }

  @Test func resumedGridMatchesStraightRun() throws {
    let straight = try makeTemporaryDirectory()
    let resumed = try makeTemporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: straight)
      try? FileManager.default.removeItem(atPath: resumed)
    }
    let spec = tinyMixtureSpec()
    let expected = try GridRunner(spec: spec, outputPath: straight, threads: 2).run()

    // 5 iterations, then 5 more (a checkpoint mid-interval), then the rest.
    let runner = GridRunner(spec: spec, outputPath: resumed, threads: 2)
    #expect(try runner.run(iterationBudget: 5).isEmpty)
    #expect(try runner.run(iterationBudget: 5).isEmpty)
    let finished = try runner.run()

    #expect(finished.count == expected.count)
    for (first, second) in zip(expected, finished) {
      #expect(first.cell == second.cell)
      #expect(first.metrics == second.metrics)
    }
    let cell = expected[0].cell
    let straightPoints = try String(
      contentsOfFile: cell.path(in: straight) + "/points.csv", encoding: .utf8)
    let resumedPoints = try String(
      contentsOfFile: cell.path(in: resumed) + "/points.csv", encoding: .utf8)
    #expect(straightPoints == resumedPoints)
    let log = try LossLog.read(path: cell.path(in: resumed) + "/log.csv")
    #expect(log.map(\.step) == Array(1...12))
  }

  @Test func finishedCellsAreSkipped() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let runner = GridRunner(spec: tinyMixtureSpec(), outputPath: directory, threads: 1)
    let first = try runner.run()
    var lines: [String] = []
    runner.report = { lines.append($0) }
    let second = try runner.run()
    #expect(second == first)
    #expect(lines.isEmpty)
  }

  @Test func changedSettingsRejectCheckpoint() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try GridRunner(spec: tinyMixtureSpec(), outputPath: directory, threads: 1)
      .run(iterationBudget: 4)
    var changed = tinyMixtureSpec()
    changed.experiments[0].base?.learningRate = 0.01
    #expect(throws: ExperimentError.self) {
      try GridRunner(spec: changed, outputPath: directory, threads: 1).run()
    }
  }

  @Test func specRejectsRepeatedSettingNames() {
    var spec = tinyMixtureSpec()
    spec.experiments[0].settings.append(NamedSetting(name: "baseline"))
    #expect(spec.validationProblem() != nil)
  }

  @Test func specDecodesWithMissingValues() throws {
    let json = """
      {"experiments": [{"name": "ring", "kind": "mixture", "losses": ["gan", "softmax"],
        "seeds": [1], "settings": [{"name": "a", "values": {"steps": 7}}]}]}
      """
    let spec = try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8))
    let runner = GridRunner(spec: spec, outputPath: "/nonexistent", threads: 1)
    let settings = try runner.mixtureSettings(
      experiment: spec.experiments[0], setting: spec.experiments[0].settings[0])
    #expect(settings.steps == 7)
    #expect(settings.batchSize == MixtureSettings().batchSize)
  }

  @Test func reportListsEveryCellAndFigure() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try GridRunner(spec: tinyMixtureSpec(), outputPath: directory, threads: 1).run()
    let report = ExperimentReport(gridPath: directory)
    try report.write(toPath: directory + "/report.md", figuresPath: directory + "/figures")
    let text = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
    #expect(text.contains("| `baseline` | GAN | 2/2 |"))
    #expect(text.contains("| `baseline` | Softmax GAN | 2/2 |"))
    #expect(text.contains("(figures/tiny-baseline-samples.png)"))
    #expect(FileManager.default.fileExists(atPath: directory + "/figures/tiny-baseline-loss-d.png"))
  }
}

@Suite struct FigureTests {
  @Test func lineCoversBothEndpoints() {
    var canvas = Canvas(width: 10, height: 10)
    canvas.line(1, 8, 7, 2, .black)
    #expect(canvas.pixels[(8 * 10 + 1) * 3] == 0)
    #expect(canvas.pixels[(2 * 10 + 7) * 3] == 0)
  }

  @Test func plotFrameMapsCornersInsideMargin() {
    let frame = PlotFrame(xRange: 0...1, yRange: 0...1, width: 100, height: 50, margin: 5)
    #expect(frame.pixel(0, 0) == (5, 44))
    #expect(frame.pixel(1, 1) == (94, 5))
  }

  @Test func windowMeansKeepTheTrend() {
    let values = (0..<100).map { (Double($0), Double($0)) }
    let means = Figures.windowMeans(values, count: 10)
    #expect(means.count == 10)
    #expect(means[0].1 == 4.5)
  }
}
