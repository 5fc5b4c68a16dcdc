import Foundation
import SGANCommandLine
import SGANCore
import SGANData
import Testing

@testable import SGANTraining

@Suite struct TrainerTests {
  @Test func resumedRunMatchesUninterruptedRun() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    let configuration = tinyConfiguration(dataPath: data)

    let straight = try Trainer(newRunIn: folder.path + "/straight", configuration: configuration)
    try straight.train()

    var firstHalf = configuration
    firstHalf.steps = 3
    let interrupted = try Trainer(newRunIn: folder.path + "/resumed", configuration: firstHalf)
    try interrupted.train()
    let resumed = try Trainer(resumeIn: folder.path + "/resumed", changes: ResumeChanges(steps: 6))
    #expect(resumed.iteration == 3)
    try resumed.train()

    #expect(resumed.iteration == 6)
    #expect(stateValues(of: resumed) == stateValues(of: straight))
  }

  @Test func resumedLogListsEachStepOnce() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 2
    try Trainer(newRunIn: folder.path + "/run", configuration: configuration).train()
    try Trainer(resumeIn: folder.path + "/run", changes: ResumeChanges(steps: 4)).train()

    let log = try String(contentsOfFile: folder.path + "/run/log.csv", encoding: .utf8)
    let steps = log.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
    #expect(steps == ["1", "2", "3", "4"])
  }

  @Test func runFolderHoldsConfigSamplesCheckpoint() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 2
    configuration.sampleEvery = 1
    let run = folder.path + "/run"
    try Trainer(newRunIn: run, configuration: configuration).train()

    let manager = FileManager.default
    #expect(manager.fileExists(atPath: run + "/config.json"))
    #expect(manager.fileExists(atPath: run + "/samples/step-000001.png"))
    #expect(manager.fileExists(atPath: run + "/samples/step-000002.png"))
    #expect(manager.fileExists(atPath: run + "/checkpoint.h5"))
    let record = try RunRecord.read(from: run + "/config.json")
    #expect(record.configuration.definesSameRun(as: configuration))
    #expect(record.configuration.dataPath.hasPrefix("/"))
    #expect(record.datasetChecksum != nil)
  }

  @Test func stopRequestWritesCheckpointThenThrows() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    let run = folder.path + "/run"
    let trainer = try Trainer(newRunIn: run, configuration: tinyConfiguration(dataPath: data))
    let stop = StopRequest()
    stop.request("SIGTERM")

    do {
      try trainer.train(stop: stop)
      Issue.record("training ignored the stop request")
    } catch let error as TrainingError {
      #expect(error.description.contains("stopped by SIGTERM after step 0"))
      #expect(error.description.contains("sgan-train --out \(run) --resume --steps 6"))
    }
    #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.h5"))
  }

  @Test func nonFiniteParameterStopsWithStep() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    let trainer = try Trainer(
      newRunIn: folder.path + "/run", configuration: tinyConfiguration(dataPath: data))
    trainer.step.discriminator.parameters[0] = .nan

    #expect(
      throws: TrainingError.nonFinite(
        step: 1, what: "the discriminator loss", lastCheckpoint: nil)
    ) {
      try trainer.train()
    }
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/run/checkpoint.h5"))
  }

  struct InvalidCase: CustomTestStringConvertible, Sendable {
    let id: String
    let imageSize: Int
    let count: Int
    let batchSize: Int
    let threads: Int
    let message: String
    var testDescription: String { id }
  }

  static let invalidCases: [InvalidCase] = [
    InvalidCase(
      id: "batch larger than split", imageSize: 32, count: 5, batchSize: 8, threads: 1,
      message: "--batch-size 8 is larger than the 5 images"),
    InvalidCase(
      id: "image size unsupported", imageSize: 28, count: 10, batchSize: 8, threads: 1,
      message: "holds 28x28 images with 1 channels"),
    InvalidCase(
      id: "no threads", imageSize: 32, count: 10, batchSize: 8, threads: 0,
      message: "--threads must be at least 1"),
  ]

  @Test(arguments: invalidCases) func invalidSettingFailsBeforeWork(_ invalid: InvalidCase) throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: invalid.count, size: invalid.imageSize)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.batchSize = invalid.batchSize
    configuration.threads = invalid.threads

    do {
      _ = try Trainer(newRunIn: folder.path + "/run", configuration: configuration)
      Issue.record("the trainer accepted \(invalid.id)")
    } catch let error as TrainingError {
      #expect(error.description.contains(invalid.message), "\(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/run"))
  }

  @Test func overwriteRemovesEarlierSamples() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 2
    configuration.sampleEvery = 1
    let run = folder.path + "/run"
    try Trainer(newRunIn: run, configuration: configuration).train()

    configuration.steps = 1
    try Trainer(newRunIn: run, configuration: configuration, overwrite: true).train()
    let samples = try FileManager.default.contentsOfDirectory(atPath: run + "/samples")
    #expect(samples == ["step-000001.png"])
  }

  @Test func existingRunIsNotOverwritten() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    var configuration = tinyConfiguration(dataPath: data)
    configuration.steps = 1
    try Trainer(newRunIn: folder.path + "/run", configuration: configuration).train()

    #expect(throws: TrainingError.self) {
      _ = try Trainer(newRunIn: folder.path + "/run", configuration: configuration)
    }
  }
}
