import Foundation

/// An output file that appears under its final name only when complete.
///
/// The content goes to a temporary sibling `<path>.tmp-<pid>`, created (empty) by `init` so
/// that a missing or unwritable directory fails before any work. `commit()` calls `fsync` on
/// the temporary file and `rename`s it over `path`. The rename is atomic within one file
/// system, so a reader sees either the old file or the whole new one. A final `fsync` on the
/// directory makes the rename survive a crash. `abandon()`, or releasing the object before
/// `commit()`, deletes the temporary file. A crash of the process can still leave it behind.
///
/// Not thread-safe: one thread writes and commits.
public final class AtomicOutputFile {
  /// The state of the output.
  public enum State: Sendable {
    case writing, committed, abandoned
  }

  /// The final path, which only `commit()` creates or replaces.
  public let path: String

  /// The temporary path that the content is written to: `<path>.tmp-<pid>`.
  public let temporaryPath: String

  /// The directory that contains both paths.
  public let directory: String

  /// Whether the output is still being written, committed, or abandoned.
  public private(set) var state: State = .writing

  /// Temporary paths with a live writer in this process, guarded by `activePathsLock`.
  nonisolated(unsafe) private static var activePaths: Set<String> = []
  private static let activePathsLock = NSLock()

  /// Creates the empty temporary file beside `path`.
  ///
  /// - Throws: `OutputFileError` naming `path` when the directory is missing, not writable or
  ///   full, or when this process already has a writer for `path`.
  public init(path: String) throws {
    self.path = path
    self.temporaryPath = "\(path).tmp-\(getpid())"
    self.directory = AtomicOutputFile.directory(of: path)

    let temporaryPath = self.temporaryPath
    let reserved = AtomicOutputFile.updateActivePaths { $0.insert(temporaryPath).inserted }
    guard reserved else {
      state = .abandoned
      throw OutputFileError.alreadyBeingWritten(path: path)
    }

    // O_TRUNC rather than O_EXCL: a leftover with this name comes from a crashed earlier
    // process that had the same pid, because live writers in this process are refused above.
    let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      let errorNumber = errno
      AtomicOutputFile.updateActivePaths { _ = $0.remove(temporaryPath) }
      state = .abandoned
      throw OutputFileError(
        call: "open", path: path, directory: directory, errorNumber: errorNumber)
    }
    close(descriptor)
  }

  /// Flushes the temporary file to disk and renames it to `path`, replacing any file there.
  ///
  /// The caller must have closed its own handles on the temporary file first. On failure the
  /// temporary file is deleted and the error names `path`.
  public func commit() throws {
    precondition(state == .writing, "commit() of '\(path)' after it was \(state)")
    do {
      try synchronize(temporaryPath, directoryOnly: false)
      guard rename(temporaryPath, path) == 0 else {
        throw OutputFileError(
          call: "rename", path: path, directory: directory, errorNumber: errno)
      }
    } catch {
      abandon()
      throw error
    }

    state = .committed
    release()

    // A failed directory fsync is ignored because the data is already safe. It only risks
    // losing the rename after a power loss, and some file systems reject it on directories.
    try? synchronize(directory, directoryOnly: true)
  }

  /// Deletes the temporary file; does nothing after `commit()` or a previous `abandon()`.
  public func abandon() {
    guard state == .writing else { return }
    // Truncating first frees the space at once, even while a failed HDF5 close still holds
    // the file open (an unlinked file keeps its blocks until its last descriptor closes).
    truncate(temporaryPath, 0)
    unlink(temporaryPath)
    state = .abandoned
    release()
  }

  deinit {
    abandon()
  }

  // MARK: Internals

  private func release() {
    let temporaryPath = self.temporaryPath
    AtomicOutputFile.updateActivePaths { _ = $0.remove(temporaryPath) }
  }

  private static func updateActivePaths<Result>(_ body: (inout Set<String>) -> Result) -> Result {
    activePathsLock.lock()
    defer { activePathsLock.unlock() }
    return body(&activePaths)
  }

  /// Opens `target` and calls `fsync` on it, mapping failures to `OutputFileError`.
  private func synchronize(_ target: String, directoryOnly: Bool) throws {
    let flags = directoryOnly ? (O_RDONLY | O_DIRECTORY | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC)
    let descriptor = open(target, flags)
    guard descriptor >= 0 else {
      throw OutputFileError(call: "open", path: path, directory: directory, errorNumber: errno)
    }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
      throw OutputFileError(call: "fsync", path: path, directory: directory, errorNumber: errno)
    }
  }

  /// Returns the directory part of `path`: `.` for a bare name, `/` for a file in the root.
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let directory = String(path[..<slash])
    return directory.isEmpty ? "/" : directory
  }
}
