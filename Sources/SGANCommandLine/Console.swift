import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes progress to standard output and warnings and errors to standard error.
///
/// Warnings with the same key are printed the first few times and then only counted; the
/// count is reported by `flush()` when the tool ends. All functions are thread-safe.
public enum Console {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var warningCounts: [String: Int] = [:]

  /// The number of times a warning with one key is printed before it is only counted.
  public static let repeatedWarningLimit = 3

  /// Whether standard output is a terminal, which selects the progress bar over plain lines.
  public static let outputIsTerminal: Bool = isatty(STDOUT_FILENO) != 0

  nonisolated(unsafe) private static var quiet = false

  /// Whether progress lines and warnings are dropped, as on every MPI rank but rank 0, whose
  /// output would repeat rank 0's. Errors are still printed.
  public static var isQuiet: Bool {
    get {
      lock.lock()
      defer { lock.unlock() }
      return quiet
    }
    set {
      lock.lock()
      defer { lock.unlock() }
      quiet = newValue
    }
  }

  /// Prints one line to standard output.
  public static func info(_ message: String) {
    lock.lock()
    defer { lock.unlock() }
    guard !quiet else { return }
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
  }

  /// Prints `warning: MESSAGE` to standard error, counting repeats of `key` past the limit.
  public static func warning(_ message: String, key: String? = nil) {
    lock.lock()
    defer { lock.unlock() }
    guard !quiet else { return }
    let countKey = key ?? message
    let count = (warningCounts[countKey] ?? 0) + 1
    warningCounts[countKey] = count
    if count <= repeatedWarningLimit {
      FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
  }

  /// Prints one line to standard error.
  public static func error(_ message: String) {
    lock.lock()
    defer { lock.unlock() }
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }

  /// Reports warnings that were counted but not printed.
  public static func flush() {
    lock.lock()
    let suppressed = warningCounts.filter { $0.value > repeatedWarningLimit }
    lock.unlock()
    for (key, count) in suppressed.sorted(by: { $0.key < $1.key }) {
      let extra = count - repeatedWarningLimit
      error("warning: '\(key)' repeated \(extra) more times")
    }
  }
}
