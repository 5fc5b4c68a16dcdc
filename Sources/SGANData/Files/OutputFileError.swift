import Foundation

/// A failure to create, write or publish an output file, naming the path.
public enum OutputFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The output's directory does not exist (or a path component is not a directory).
  case directoryNotFound(path: String, directory: String)

  /// The process may not create files in the output's directory, or its file system is
  /// mounted read-only.
  case directoryNotWritable(path: String, directory: String, reason: String)

  /// The file system ran out of space (`ENOSPC`) or the user's quota (`EDQUOT`).
  case diskFull(path: String)

  /// Another writer in this process is already writing `path`.
  case alreadyBeingWritten(path: String)

  /// A system call failed for another reason.
  case systemCallFailed(call: String, path: String, errorNumber: Int32)

  /// Classifies the `errno` of a failed system call on `path`, whose directory is
  /// `directory`, into the cases above.
  public init(call: String, path: String, directory: String, errorNumber: Int32) {
    switch errorNumber {
    case ENOENT, ENOTDIR:
      self = .directoryNotFound(path: path, directory: directory)
    case EACCES, EPERM, EROFS:
      self = .directoryNotWritable(
        path: path, directory: directory, reason: String(cString: strerror(errorNumber)))
    case ENOSPC, EDQUOT:
      self = .diskFull(path: path)
    default:
      self = .systemCallFailed(call: call, path: path, errorNumber: errorNumber)
    }
  }

  /// Renders what failed, on which path, and what to do next.
  public var description: String {
    switch self {
    case .directoryNotFound(let path, let directory):
      return "cannot write '\(path)': directory '\(directory)' does not exist; "
        + "create it or choose another output path"
    case .directoryNotWritable(let path, let directory, let reason):
      return "cannot write '\(path)': directory '\(directory)' is not writable (\(reason)); "
        + "choose a writable directory"
    case .diskFull(let path):
      return "no space left on device while writing '\(path)'; the partial file was removed. "
        + "Free space on that file system or choose another output directory"
    case .alreadyBeingWritten(let path):
      return "'\(path)' is already being written by another writer in this process; "
        + "finish or abandon that writer first"
    case .systemCallFailed(let call, let path, let errorNumber):
      return "\(call) failed for '\(path)': \(String(cString: strerror(errorNumber))) "
        + "(errno \(errorNumber))"
    }
  }
}
