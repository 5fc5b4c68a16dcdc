import Foundation
import SGANCore
import Testing

@testable import SGANTraining

/// Benchmark settings for a tiny 32x32 grey DCGAN: batch 4 + 4, 2 timed iterations.
private func tinySettings(threads: [Int], weak: Bool = false) -> StepBenchmark.Settings {
  var settings = StepBenchmark.Settings()
  settings.architecture.imageSize = 32
  settings.architecture.channels = 1
  settings.architecture.latentSize = 4
  settings.architecture.generatorFilters = 4
  settings.architecture.discriminatorFilters = 4
  settings.batchSize = 4
  settings.generatedSize = 4
  settings.threadCounts = threads
  settings.weakScaling = weak
  settings.warmUpIterations = 0
  settings.timedIterations = 2
  settings.sgemmSize = 32
  return settings
}

@Suite struct StepBenchmarkTests {
  @Test func strongScalingKeepsBatch() throws {
    let result = try StepBenchmark.run(tinySettings(threads: [1, 2]))

    #expect(result.rows.map(\.threads) == [1, 2])
    #expect(result.rows.map(\.workers) == [1, 2])
    #expect(result.rows.map(\.realCount) == [4, 4])
    #expect(result.rows.allSatisfy { $0.iterationSeconds.count == 2 })
    #expect(result.rows.allSatisfy { $0.iterationCPUSeconds.count == 2 })
    #expect(result.rows[0].operationsPerIteration == result.rows[1].operationsPerIteration)
    #expect(result.speedUp(result.rows[0]) == 1)
  }

  @Test func weakScalingGrowsBatchWithThreads() throws {
    let result = try StepBenchmark.run(tinySettings(threads: [1, 2], weak: true))

    #expect(result.rows.map(\.realCount) == [4, 8])
    #expect(result.rows.map(\.generatedCount) == [4, 8])
    #expect(result.rows[1].operationsPerIteration == 2 * result.rows[0].operationsPerIteration)
  }

  @Test func phaseSharesAddUpToOne() throws {
    let result = try StepBenchmark.run(tinySettings(threads: [2]))
    let shares = result.rows[0].phaseShares
    let total =
      shares.compute + shares.combine + shares.reduce + shares.optimizer + shares.data
      + shares.other
    #expect(abs(total - 1) < 1e-9)
    #expect(shares.compute > 0)
  }

  @Test func sgemmMeasuredForOneAndTwoThreads() throws {
    let result = try StepBenchmark.run(tinySettings(threads: [1]))
    let processors = ProcessInfo.processInfo.activeProcessorCount
    #expect(result.sgemm.map(\.threads) == [1, 2].filter { $0 <= processors })
    #expect(result.sgemm.allSatisfy { $0.before > 0 })
    #expect(result.sgemm.allSatisfy { $0.after > 0 })
  }

  @Test func datasetSetsImageShape() throws {
    let folder = TemporaryFolder()
    let path = folder.path + "/tiny.h5"
    try writeRandomDataset(at: path, count: 12, size: 32, channels: 1)
    var settings = tinySettings(threads: [1])
    settings.architecture.channels = 3
    settings.dataPath = path

    let result = try StepBenchmark.run(settings)
    #expect(result.settings.architecture.channels == 1)
    #expect(result.rows[0].phases.allSatisfy { $0.data >= 0 })
  }

  @Test func filesHoldEveryRow() throws {
    let result = try StepBenchmark.run(tinySettings(threads: [1, 2]))

    let lines = result.csv.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("threads,workers,real,generated,median_s"))

    let object = try JSONSerialization.jsonObject(with: result.jsonData()) as? [String: Any]
    let rows = object?["rows"] as? [[String: Any]]
    #expect(rows?.count == 2)
    #expect((rows?[1]["iteration_s"] as? [Double])?.count == 2)
    #expect(object?["projection"] != nil)
    #expect(result.report.contains("PROJECTION"))
  }

  @Test func projectionFollowsAmdahlAndGustafson() {
    let projection = ScalingProjection(fixedSeconds: 1, parallelSeconds: 9)
    #expect(abs(projection.fixedFraction - 0.1) < 1e-12)
    #expect(abs(projection.strongSpeedUp(threads: 1) - 1) < 1e-12)
    #expect(abs(projection.strongSpeedUp(threads: 16) - 1 / (0.1 + 0.9 / 16)) < 1e-12)
    #expect(abs(projection.weakSpeedUp(threads: 16) - (16 - 0.1 * 15)) < 1e-12)
    #expect(projection.strongSpeedUp(threads: 64) < 1 / projection.fixedFraction)
  }

  @Test func projectionCountsReduceAsFixed() {
    var phases = PhaseTimes()
    phases.forward = 3
    phases.backward = 4
    phases.optimizer = 1
    phases.combine = 0.25
    phases.reduce = 0.5
    phases.data = 0.125
    let row = StepBenchmarkRow(
      threads: 1, workers: 1, realCount: 4, generatedCount: 4, realImagesPerIteration: 4,
      operationsPerIteration: 1, iterationSeconds: [9], iterationCPUSeconds: [9],
      phases: [phases])

    let projection = ScalingProjection(oneThreadRow: row)
    // 9 s in all: 8 s of forward, backward and Adam; the rest, 0.125 s outside any phase
    // included, does not shrink.
    #expect(projection.parallelSeconds == 8)
    #expect(projection.fixedSeconds == 1)
  }

  @Test func sgemmReferenceRateIsPositive() {
    let rate = SGEMMReference.rate(threads: 1, size: 64, seconds: 0.05)
    #expect(rate.isFinite)
    #expect(rate > 0)
  }
}
