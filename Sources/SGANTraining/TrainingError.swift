/// Errors of the trainer, each naming the file, setting or step involved and what to do.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
  /// A setting that cannot work, with the change that fixes it.
  case invalidSetting(String)

  /// A file or folder that cannot be read or written.
  case io(path: String, reason: String)

  /// A loss or parameter became NaN or infinite.
  case nonFinite(step: Int, what: String, lastCheckpoint: String?)

  /// A checkpoint that does not match the run or is damaged.
  case checkpoint(path: String, reason: String)

  /// The run was stopped by a signal after writing a checkpoint.
  case interrupted(signal: String, step: Int, resumeCommand: String)

  /// Whether every process of a run raises this error at the same point: settings are
  /// checked alike everywhere, losses and parameters are the same bits on every process, and
  /// processes agree on stopping. File errors may belong to one process alone.
  public var isRaisedOnEveryProcess: Bool {
    switch self {
    case .invalidSetting, .nonFinite, .interrupted: return true
    case .io, .checkpoint: return false
    }
  }

  public var description: String {
    switch self {
    case .invalidSetting(let message):
      return message
    case .io(let path, let reason):
      return "'\(path)': \(reason)"
    case .nonFinite(let step, let what, let lastCheckpoint):
      let checkpoint =
        lastCheckpoint.map { "the last good checkpoint is '\($0)'" }
        ?? "no checkpoint was written yet"
      return "\(what) is not finite at step \(step); \(checkpoint). "
        + "Lower --lr or change the settings, then resume or restart."
    case .checkpoint(let path, let reason):
      return "checkpoint '\(path)': \(reason)"
    case .interrupted(let signal, let step, let resumeCommand):
      return "stopped by \(signal) after step \(step); checkpoint written. "
        + "Resume with: \(resumeCommand)"
    }
  }
}
