import Foundation

/// One iteration of a cell's loss log.
public struct LossLogRow: Equatable, Sendable {
  /// The iteration, counted from 1.
  public var step: Int

  /// L_D of the last discriminator update and L_G of the last generator update.
  public var discriminatorLoss: Double
  public var generatorLoss: Double

  /// Training wall time up to the end of this iteration, in seconds, over every session.
  public var seconds: Double
}

/// The loss log of a mixture cell, `log.csv` with the columns `step,loss_d,loss_g,seconds`.
///
/// Rows are kept in memory and appended to the file by ``flush()``, which the runner calls
/// before each checkpoint, so the file never contains fewer rows than the checkpoint covers.
/// Rows after the checkpoint (from a session that stopped between the two writes) are dropped
/// on resume.
final class LossLog {
  static let header = "step,loss_d,loss_g,seconds"

  let path: String
  private(set) var rows: [LossLogRow] = []
  private var flushedCount = 0

  /// Opens the log at `path`, keeping the rows up to `resumeStep` (none for a new run).
  init(path: String, resumeStep: Int) throws {
    self.path = path
    if resumeStep > 0 {
      rows = try LossLog.read(path: path).filter { $0.step <= resumeStep }
    }
    try rewrite()
  }

  func append(_ row: LossLogRow) {
    rows.append(row)
  }

  /// Appends the rows added since the last flush to the file.
  func flush() throws {
    guard flushedCount < rows.count else { return }
    let text = rows[flushedCount...].map(LossLog.line).joined()
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw ExperimentError.file(path: path, reason: "cannot be opened for appending")
    }
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    flushedCount = rows.count
  }

  private func rewrite() throws {
    let text = LossLog.header + "\n" + rows.map(LossLog.line).joined()
    try writeAtomically(Data(text.utf8), to: path)
    flushedCount = rows.count
  }

  private static func line(_ row: LossLogRow) -> String {
    "\(row.step),\(row.discriminatorLoss),\(row.generatorLoss),\(row.seconds)\n"
  }

  /// Reads the rows of a log written by this type.
  static func read(path: String) throws -> [LossLogRow] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw ExperimentError.file(path: path, reason: "cannot be read; delete the cell to rerun it")
    }
    var rows: [LossLogRow] = []
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 4, let step = Int(fields[0]), let d = Double(fields[1]),
        let g = Double(fields[2]), let seconds = Double(fields[3])
      else {
        throw ExperimentError.file(path: path, reason: "malformed row '\(line)'")
      }
      rows.append(LossLogRow(step: step, discriminatorLoss: d, generatorLoss: g, seconds: seconds))
    }
    return rows
  }
}
