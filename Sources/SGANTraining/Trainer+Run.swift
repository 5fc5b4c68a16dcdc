import Foundation
import SGANCommandLine
import SGANCore
import SGANData

extension Trainer {
  /// Trains until `configuration.steps` iterations are complete, writing logs, samples and
  /// checkpoints, and returns a summary.
  ///
  /// - Throws: `TrainingError.interrupted` after writing a checkpoint when `stop` receives a
  ///   signal (on any process); `TrainingError.nonFinite` when a loss or a parameter is NaN or
  ///   infinite, before the bad update reaches any checkpoint; reader and file errors as they
  ///   come.
  @discardableResult
  public func train(stop: StopRequest? = nil) throws -> TrainingSummary {
    let configuration = self.configuration
    let start = monotonicSeconds()
    let startIteration = iteration
    var reportStart = start
    var reportIterations = 0
    var realImages = 0

    while iteration < configuration.steps {
      if let signal = agreedStop(stop) {
        try writeCheckpoint()
        throw TrainingError.interrupted(
          signal: signal, step: iteration,
          resumeCommand: launcherPrefix
            + "sgan-train --out \(run.path) --resume --steps \(configuration.steps)")
      }

      let row = try runIteration()
      iteration += 1
      log?.append(row)
      reportIterations += 1
      realImages += configuration.batchSize * configuration.discriminatorSteps

      if iteration % configuration.logEvery == 0 || iteration == configuration.steps {
        let now = monotonicSeconds()
        let seconds = now - reportStart
        report(
          progressLine(row, seconds: seconds, iterations: reportIterations, images: realImages))
        reportStart = now
        reportIterations = 0
        realImages = 0
      }
      if configuration.sampleEvery > 0 && iteration % configuration.sampleEvery == 0 {
        try writeSamples()
      }
      if configuration.checkpointEvery > 0 && iteration % configuration.checkpointEvery == 0 {
        try writeCheckpoint()
      }
    }

    if configuration.sampleEvery == 0 || iteration % configuration.sampleEvery != 0 {
      try writeSamples()
    }
    if lastCheckpoint == nil || configuration.checkpointEvery == 0
      || iteration % configuration.checkpointEvery != 0 || iteration == startIteration
    {
      try writeCheckpoint()
    }
    return TrainingSummary(
      iterations: iteration, seconds: monotonicSeconds() - start,
      checkpointPath: run.checkpointPath)
  }

  /// `mpirun -np P ` when the run has several processes, else nothing.
  private var launcherPrefix: String {
    group.size > 1 ? "mpirun -np \(group.size) " : ""
  }

  /// Returns the signal that requests a stop, or nil. With several processes they agree,
  /// so all stop after the same iteration even when the signal reached only some of them.
  private func agreedStop(_ stop: StopRequest?) -> String? {
    let local = stop?.received
    guard group.size > 1 else { return local }
    return group.anyProcess(local != nil) ? local ?? "a signal to another rank" : nil
  }

  /// Runs one iteration: the discriminator updates, then the generator updates.
  func runIteration() throws -> TrainingLogRow {
    let configuration = self.configuration
    let iterationStart = monotonicSeconds()

    var epoch = reader.position.epoch
    let result = try step.runIteration(
      iteration, discriminatorSteps: configuration.discriminatorSteps,
      generatorSteps: configuration.generatorSteps, realBatch: realBatch,
      loadRealBatch: {
        epoch = reader.position.epoch
        try reader.nextBatch(
          into: UnsafeMutableBufferPointer(start: realBatch.pointer, count: realBatch.count))
      },
      check: { isFinite, what in try checkFinite(isFinite, what) })

    let seconds = monotonicSeconds() - iterationStart
    let images = Double(configuration.batchSize * configuration.discriminatorSteps)
    let discriminator = result.discriminator
    return TrainingLogRow(
      step: iteration + 1, epoch: epoch, discriminatorLoss: discriminator.loss,
      generatorLoss: result.generatorLoss, logPartition: discriminator.logPartition,
      meanRealProbability: discriminator.meanRealProbability,
      imagesPerSecond: images / seconds, phases: step.times, stepSeconds: seconds)
  }

  private func checkFinite(_ allFinite: Bool, _ what: String) throws {
    if !allFinite {
      throw TrainingError.nonFinite(step: iteration + 1, what: what, lastCheckpoint: lastCheckpoint)
    }
  }

  /// Writes the checkpoint of the current iteration atomically; rank 0 writes, and every
  /// process learns whether it succeeded.
  public func writeCheckpoint() throws {
    try group.collectively {
      guard writesOutput else { return }
      try Checkpoint.write(
        to: run.checkpointPath, step: step, iteration: iteration, dataPosition: reader.position,
        seed: configuration.seed, imageShape: record.imageShape,
        configurationJSON: try configurationJSON())
    }
    lastCheckpoint = run.checkpointPath
  }

  /// Generates the fixed latent batch with the generator in inference mode and writes the
  /// 8x8 grid `samples/step-NNNNNN.png`; rank 0 writes, and every process learns whether it
  /// succeeded.
  public func writeSamples() throws {
    try group.collectively {
      guard writesOutput else { return }
      let images = sampler.forward(sampleLatents)
      try SampleGrid.write(
        images, range: configuration.inputRange, columns: 8,
        toPath: run.samplePath(iteration: iteration))
    }
  }

  private func configurationJSON() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(configuration), as: UTF8.self)
  }

  private func progressLine(
    _ row: TrainingLogRow, seconds: Double, iterations: Int, images: Int
  ) -> String {
    let milliseconds = seconds / Double(max(iterations, 1)) * 1000
    var line = "step \(row.step)/\(configuration.steps) epoch \(row.epoch)"
    line += String(format: " loss_d %.4f loss_g %.4f", row.discriminatorLoss, row.generatorLoss)
    if configuration.loss == .softmax {
      line += String(format: " ln_z %.3f p_real %.4f", row.logPartition, row.meanRealProbability)
    } else {
      line += String(format: " d_real %.3f", row.meanRealProbability)
    }
    line += String(format: " %.0f ms/step ", milliseconds)
    line += formatRate(Double(images) / seconds) + " img/s"
    return line
  }
}
