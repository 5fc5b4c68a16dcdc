import Foundation
import SGANCore
import SGANData
import SGANMPI
import SGANTraining
import Testing

@Suite(.serialized) struct MPITrainingTests {
  /// Returns the options of a tiny run: 20 random 32x32 gray images, nz 4, 4 filters,
  /// batch 8.
  static func tinyRun(data: String, out: String, steps: Int) -> [String] {
    [
      "--data", data, "--out", out, "--threads", "1", "--steps", "\(steps)", "--batch-size", "8",
      "--nz", "4", "--filters", "4", "--split", "all", "--sample-every", "0",
      "--checkpoint-every", "0", "--log-every", "1",
    ]
  }

  @Test func resumeUnderMPIIsBitExact() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)

    let straight = folder.path + "/straight"
    let resumed = folder.path + "/resumed"
    let runs: [[String]] = [
      Self.tinyRun(data: data, out: straight, steps: 6),
      Self.tinyRun(data: data, out: resumed, steps: 3),
      ["--out", resumed, "--resume", "--steps", "6"],
    ]
    for arguments in runs {
      let outcome = try MPILauncher.run(
        ranks: 2, tool: "sgan-train", arguments, in: folder.path)
      try #require(outcome.status == 0, "sgan-train failed: \(outcome.errors)")
    }

    // Loading a run's checkpoint into a one-process trainer gives its whole state.
    let straightState = stateValues(of: try Trainer(resumeIn: straight, changes: .init(steps: 7)))
    let resumedState = stateValues(of: try Trainer(resumeIn: resumed, changes: .init(steps: 7)))
    #expect(resumedState == straightState)
  }

  @Test func twoRanksTrainLikeTwoThreads() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    let ranks = folder.path + "/ranks"
    let outcome = try MPILauncher.run(
      ranks: 2, tool: "sgan-train", Self.tinyRun(data: data, out: ranks, steps: 3),
      in: folder.path)
    try #require(outcome.status == 0, "sgan-train failed: \(outcome.errors)")

    var configuration = TrainingConfiguration(dataPath: data)
    configuration.threads = 2
    configuration.batchSize = 8
    configuration.fakeSize = 8
    configuration.latentSize = 4
    configuration.filters = 4
    configuration.steps = 3
    configuration.sampleEvery = 0
    configuration.checkpointEvery = 0
    configuration.split = "all"
    let threads = try Trainer(newRunIn: folder.path + "/threads", configuration: configuration)
    try threads.train()

    let fromRanks = stateValues(of: try Trainer(resumeIn: ranks, changes: .init(steps: 4)))
    let difference = relativeDifference(fromRanks, stateValues(of: threads))
    #expect(difference <= 1e-5)
  }

  @Test func missingDataNamesEveryRank() throws {
    let folder = TemporaryFolder()
    let missing = folder.path + "/missing.h5"
    let run = folder.path + "/run"
    let outcome = try MPILauncher.run(
      ranks: 2, tool: "sgan-train", Self.tinyRun(data: missing, out: run, steps: 3),
      in: folder.path, timeout: 60)
    #expect(outcome.status == 1)
    #expect(outcome.errors.contains("ranks 0, 1:"))
    #expect(outcome.errors.contains("missing.h5"))
    #expect(!FileManager.default.fileExists(atPath: run))
  }

  @Test func ranksWithOtherDataAreRejected() throws {
    let folder = TemporaryFolder()
    let data = folder.path + "/data.h5"
    let other = folder.path + "/other.h5"
    try writeRandomDataset(at: data, count: 20)
    try writeRandomDataset(at: other, count: 20, seed: 4)
    let run = folder.path + "/run"
    let outcome = try MPILauncher.run(
      mpirunArguments: MPILauncher.mpirunArguments(
        tool: "sgan-train",
        argumentsPerRank: [
          Self.tinyRun(data: data, out: run, steps: 3), Self.tinyRun(data: other, out: run, steps: 3),
        ]), in: folder.path, timeout: 60)
    #expect(outcome.status == 1)
    #expect(outcome.errors.contains("rank 1 has other settings or another dataset"))
    #expect(!FileManager.default.fileExists(atPath: run))
  }

  @Test func userSignalStopsWithCheckpoint() throws {
    let job = try LongTinyJob()
    try #require(job.waitUntilTraining(), "the run did not start within 60 s")

    kill(job.process.processIdentifier, SIGUSR1)
    #expect(MPILauncher.waitForExit(job.process, timeout: 60))
    #expect(job.process.terminationStatus == 1)
    #expect(job.errors.contains("stopped by SIGUSR1"))
    #expect(FileManager.default.fileExists(atPath: job.run + "/checkpoint.h5"))
  }

  @Test func killedRankEndsJobWithError() throws {
    let job = try LongTinyJob()
    try #require(job.waitUntilTraining(), "the run did not start within 60 s")

    // Kill rank 1 as an out-of-memory killer would; mpirun must end the job.
    let rank1 = try #require(rankProcess(rank: 1, mentioning: job.run), "rank 1 not found")
    kill(rank1, SIGKILL)
    #expect(MPILauncher.waitForExit(job.process, timeout: 60))
    #expect(job.process.terminationStatus != 0)
    #expect(job.errors.contains("rank 1"))
  }
}

/// A tiny 2-rank training run of a million iterations, started in its own temporary folder
/// and ended, if it still runs, when the value is released.
final class LongTinyJob {
  let folder = TemporaryFolder()
  let run: String
  let process: Process
  private let errorsPath: String

  init() throws {
    let data = folder.path + "/data.h5"
    try writeRandomDataset(at: data, count: 20)
    run = folder.path + "/run"
    errorsPath = folder.path + "/errors.txt"
    process = try MPILauncher.start(
      ranks: 2, tool: "sgan-train",
      MPITrainingTests.tinyRun(data: data, out: run, steps: 1_000_000),
      output: folder.path + "/output.txt", errors: errorsPath)
  }

  deinit {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
  }

  /// Waits until the log lists a few iterations, so both ranks are training.
  func waitUntilTraining() -> Bool {
    waitUntil(timeout: 60) {
      ((try? String(contentsOfFile: run + "/log.csv", encoding: .utf8)) ?? "")
        .split(separator: "\n").count > 3
    }
  }

  /// Standard error of mpirun and the ranks so far.
  var errors: String {
    (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
  }
}

/// Polls `condition` every 50 ms until it is true or `timeout` seconds pass.
func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if condition() { return true }
    Thread.sleep(forTimeInterval: 0.05)
  }
  return condition()
}

/// Finds in /proc the process ID of MPI rank `rank` whose command line contains `text`.
func rankProcess(rank: Int, mentioning text: String) -> pid_t? {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  for entry in entries {
    guard let pid = pid_t(entry),
      let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
      let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
    else { continue }
    let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    let arguments = String(decoding: commandLine, as: UTF8.self)
    if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") && arguments.contains(text)
      && arguments.contains("sgan-train") && !arguments.contains("mpirun")
    {
      return pid
    }
  }
  return nil
}

/// Returns every value of a run's state: parameters, statistics, counters, Adam moments and
/// steps.
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

/// Writes a packed dataset of `count` random 32x32 gray images drawn from `seed`.
func writeRandomDataset(at path: String, count: Int, seed: UInt64 = 3) throws {
  let shape = PackedImageShape(height: 32, width: 32, channels: 1)
  let writer = try PackedDatasetWriter(
    path: path, shape: shape, sourceKind: "folder",
    preprocessing: Preprocessing(outputHeight: 32, outputWidth: 32, filter: "none"),
    attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
  var generator = SplitMix64(seed: seed)
  for index in 0..<count {
    let pixels = (0..<shape.byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
    try writer.append(PackedRow(pixels: pixels, filename: "image-\(index)"))
  }
  _ = try writer.finish()
}
