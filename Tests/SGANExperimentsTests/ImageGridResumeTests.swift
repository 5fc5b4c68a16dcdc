import Foundation
import SGANData
import Testing

@testable import SGANExperiments

/// Writes a labelled 32x32 gray dataset with train and test partitions, as Fashion-MNIST's.
func writeLabelledDataset(at path: String, trainCount: Int, testCount: Int) throws {
  let shape = PackedImageShape(height: 32, width: 32, channels: 1)
  let writer = try PackedDatasetWriter(
    path: path, shape: shape, sourceKind: "idx",
    preprocessing: Preprocessing(outputHeight: 32, outputWidth: 32, filter: "none"),
    attributeNames: nil, hasPartition: true, hasLabels: true, hasIdentities: false)
  var generator = SplitMix64(seed: 5)
  for index in 0..<(trainCount + testCount) {
    // Class c is a bright band at rows 3c...3c+2 over noise, so a classifier can learn it.
    let label = index % 10
    var pixels = (0..<shape.byteCount).map { _ in UInt8.random(in: 0...60, using: &generator) }
    for row in (3 * label)..<(3 * label + 3) {
      for column in 0..<32 { pixels[row * 32 + column] = 230 }
    }
    try writer.append(
      PackedRow(
        pixels: pixels, filename: "image[\(index)]", partition: index < trainCount ? 0 : 2,
        label: Int32(label)))
  }
  _ = try writer.finish()
}

@Suite struct ImageGridResumeTests {
  /// Returns one image cell: Softmax GAN on the labelled set, tiny networks, 6 iterations.
  static func spec(dataPath: String) -> ExperimentSpec {
    var base = SettingValues()
    base.dataPath = dataPath
    base.steps = 6
    base.batchSize = 8
    base.filters = 4
    base.latentSize = 4
    base.checkpointEvery = 2
    base.sampleEvery = 3
    base.logEvery = 1
    base.evaluationSamples = 20
    return ExperimentSpec(experiments: [
      Experiment(
        name: "images", title: nil, kind: .image, losses: [.softmax], seeds: [1], base: base,
        settings: [NamedSetting(name: "baseline")])
    ])
  }

  @Test func resumedImageCellMatchesStraightRun() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let data = directory + "/data.h5"
    try writeLabelledDataset(at: data, trainCount: 60, testCount: 30)
    let spec = Self.spec(dataPath: data)

    let straight = try GridRunner(spec: spec, outputPath: directory + "/straight", threads: 2)
      .run()

    // 3 iterations (the last checkpoint at 2), then the rest from that checkpoint.
    let runner = GridRunner(spec: spec, outputPath: directory + "/resumed", threads: 2)
    #expect(try runner.run(iterationBudget: 3).isEmpty)
    let resumed = try runner.run()

    try #require(straight.count == 1)
    try #require(resumed.count == 1)
    #expect(resumed[0].iterations == 6)
    #expect(resumed[0].metrics == straight[0].metrics)
    let cell = straight[0].cell
    let straightLog = try String(
      contentsOfFile: cell.path(in: directory + "/straight") + "/log.csv", encoding: .utf8)
    let resumedLog = try String(
      contentsOfFile: cell.path(in: directory + "/resumed") + "/log.csv", encoding: .utf8)
    #expect(lossColumns(resumedLog) == lossColumns(straightLog))
  }
}

/// Returns the step, epoch, L_D and L_G columns of a trainer log, leaving out the timings.
func lossColumns(_ log: String) -> [String] {
  log.split(separator: "\n").dropFirst().map { line in
    line.split(separator: ",").prefix(4).joined(separator: ",")
  }
}
