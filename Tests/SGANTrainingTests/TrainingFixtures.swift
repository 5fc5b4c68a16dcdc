import Foundation
import SGANCore
import SGANData
import Testing

@testable import SGANTraining

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "sgan-training-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Writes a packed dataset of `count` random `size` x `size` images with `channels` channels.
func writeRandomDataset(
  at path: String, count: Int, size: Int = 32, channels: Int = 1, seed: UInt64 = 3
) throws {
  let shape = PackedImageShape(height: size, width: size, channels: channels)
  let writer = try PackedDatasetWriter(
    path: path, shape: shape, sourceKind: "folder",
    preprocessing: Preprocessing(outputHeight: size, outputWidth: size, filter: "none"),
    attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
  var generator = SplitMix64(seed: seed)
  for index in 0..<count {
    let pixels = (0..<shape.byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
    try writer.append(PackedRow(pixels: pixels, filename: "image-\(index)"))
  }
  _ = try writer.finish()
}

/// The settings of a tiny run: 32x32 gray images, nz 4, 4 filters, batch 8 on 2 threads.
func tinyConfiguration(dataPath: String) -> TrainingConfiguration {
  var configuration = TrainingConfiguration(dataPath: dataPath)
  configuration.threads = 2
  configuration.batchSize = 8
  configuration.fakeSize = 8
  configuration.latentSize = 4
  configuration.filters = 4
  configuration.steps = 6
  configuration.sampleEvery = 0
  configuration.checkpointEvery = 0
  configuration.logEvery = 1
  configuration.split = "all"
  return configuration
}

/// Every value the run's state consists of: parameters, statistics, counters, moments.
func stateValues(of trainer: Trainer) -> [Float] {
  let step = trainer.step
  var values: [Float] = []
  for network in [step.generator, step.discriminator] {
    values += network.parameters.values
    values += network.runningStatistics.values
    values += (0..<network.batchCounters.count).map { Float(network.batchCounters[$0]) }
  }
  for optimizer in [step.generatorOptimizer, step.discriminatorOptimizer] {
    values += optimizer.firstMoments.values
    values += optimizer.secondMoments.values
    values.append(Float(optimizer.stepCount))
  }
  return values
}
