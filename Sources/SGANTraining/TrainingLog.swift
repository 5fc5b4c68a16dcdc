import Foundation
import SGANCore

/// One row of `log.csv`: the losses and timings of one iteration.
public struct TrainingLogRow: Sendable {
  public var step: Int
  public var epoch: Int
  public var discriminatorLoss: Double
  public var generatorLoss: Double
  /// ln Z_B of the last discriminator step's batch (Softmax GAN), or NaN for the GAN loss.
  public var logPartition: Double
  /// Mean softmax probability p(x) over the real samples of the last discriminator step.
  public var meanRealProbability: Double
  public var imagesPerSecond: Double
  public var phases: PhaseTimes
  public var stepSeconds: Double

  public init(
    step: Int, epoch: Int, discriminatorLoss: Double, generatorLoss: Double,
    logPartition: Double, meanRealProbability: Double, imagesPerSecond: Double,
    phases: PhaseTimes, stepSeconds: Double
  ) {
    self.step = step
    self.epoch = epoch
    self.discriminatorLoss = discriminatorLoss
    self.generatorLoss = generatorLoss
    self.logPartition = logPartition
    self.meanRealProbability = meanRealProbability
    self.imagesPerSecond = imagesPerSecond
    self.phases = phases
    self.stepSeconds = stepSeconds
  }
}

/// The append-only machine-readable log of a run, one CSV row per iteration.
///
/// On resume from a checkpoint at step S, rows after S (written before an interruption that
/// came after the last checkpoint) are dropped, so the file again lists each step once.
public final class TrainingLog {
  /// The CSV header; times are in milliseconds.
  public static let header =
    "step,epoch,loss_d,loss_g,ln_z,mean_p_real,images_per_s,"
    + "forward_ms,combine_ms,backward_ms,reduce_ms,optimizer_ms,communication_ms,data_ms,step_ms"

  private let handle: FileHandle
  private let path: String

  /// Opens `path` for appending, creating it with the header, and truncating rows after
  /// `resumeStep` when one is given.
  /// - Throws: `TrainingError.io` naming the path when the file cannot be read or written.
  public init(path: String, resumeStep: Int?) throws {
    self.path = path
    let manager = FileManager.default

    var kept = [TrainingLog.header]
    if let resumeStep, let existing = try? String(contentsOfFile: path, encoding: .utf8) {
      for line in existing.split(separator: "\n").dropFirst() {
        let stepField = line.split(separator: ",", maxSplits: 1).first.flatMap { Int($0) }
        if let step = stepField, step <= resumeStep {
          kept.append(String(line))
        }
      }
    }
    let contents = kept.joined(separator: "\n") + "\n"
    guard manager.createFile(atPath: path, contents: Data(contents.utf8)) else {
      throw TrainingError.io(path: path, reason: "cannot create the log file")
    }

    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw TrainingError.io(path: path, reason: "cannot open the log file for writing")
    }
    handle.seekToEndOfFile()
    self.handle = handle
  }

  /// Appends one row and flushes it, so the log is complete up to the last iteration even if
  /// the process is killed.
  public func append(_ row: TrainingLogRow) {
    let milliseconds = [
      row.phases.forward, row.phases.combine, row.phases.backward, row.phases.reduce,
      row.phases.optimizer, row.phases.communication, row.phases.data, row.stepSeconds,
    ].map { String(format: "%.3f", $0 * 1000) }
    let fields =
      [
        String(row.step), String(row.epoch), format(row.discriminatorLoss),
        format(row.generatorLoss), format(row.logPartition), format(row.meanRealProbability),
        String(format: "%.2f", row.imagesPerSecond),
      ] + milliseconds
    handle.write(Data((fields.joined(separator: ",") + "\n").utf8))
  }

  deinit {
    try? handle.close()
  }

  private func format(_ value: Double) -> String {
    value.isNaN ? "nan" : String(format: "%.6g", value)
  }
}
