import Foundation

/// Reports progress of long work: a redrawn bar on a terminal, plain periodic lines otherwise.
///
/// `advance` may be called from any thread. On a terminal the bar is redrawn at most ten
/// times a second; otherwise one line is printed every `lineInterval` seconds, so logs of long
/// runs stay short.
public final class ProgressReporter: @unchecked Sendable {
  private let label: String
  private let total: Int
  private let unit: String
  private let isTerminal: Bool
  private let lineInterval: Double
  private let start = Date()
  private let lock = NSLock()
  private var completed = 0  // protected by lock
  private var lastReport = Date.distantPast  // protected by lock

  /// Creates a reporter for `total` items of `unit` (such as "images").
  public init(
    label: String, total: Int, unit: String, isTerminal: Bool = Console.outputIsTerminal,
    lineInterval: Double = 10
  ) {
    self.label = label
    self.total = total
    self.unit = unit
    self.isTerminal = isTerminal
    self.lineInterval = lineInterval
  }

  /// Records `count` more completed items and reports when the interval has passed.
  public func advance(by count: Int = 1) {
    lock.lock()
    completed += count
    let now = Date()
    let interval = isTerminal ? 0.1 : lineInterval
    guard now.timeIntervalSince(lastReport) >= interval || completed >= total else {
      lock.unlock()
      return
    }
    lastReport = now
    let line = render(completed: completed, elapsed: now.timeIntervalSince(start))
    lock.unlock()
    emit(line)
  }

  /// Prints the final state and ends the bar's line.
  public func finish() {
    lock.lock()
    let line = render(completed: completed, elapsed: Date().timeIntervalSince(start))
    lock.unlock()
    if isTerminal {
      FileHandle.standardOutput.write(Data("\r\(line)\n".utf8))
    } else {
      Console.info(line)
    }
  }

  /// Formats one report: the bar (on a terminal), counts, rate and estimated time left.
  func render(completed: Int, elapsed: Double) -> String {
    let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 1
    let rate = elapsed > 0 ? Double(completed) / elapsed : 0
    let remaining = rate > 0 ? Double(total - completed) / rate : 0
    let percent = Int((fraction * 100).rounded(.down))
    var text = "\(label) \(completed)/\(total) \(unit) (\(percent)%)"
    text += ", \(formatRate(rate)) \(unit)/s"
    if completed < total {
      text += ", \(formatDuration(remaining)) left"
    } else {
      text += ", \(formatDuration(elapsed)) total"
    }
    if isTerminal {
      let width = 30
      let filled = Int((fraction * Double(width)).rounded(.down))
      let bar =
        String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      return "[\(bar)] " + text
    }
    return text
  }

  private func emit(_ line: String) {
    if isTerminal {
      FileHandle.standardOutput.write(Data("\r\(line)".utf8))
    } else {
      Console.info(line)
    }
  }
}

/// Formats a rate with three significant figures, such as `912`, `45.3` or `1.25k`.
public func formatRate(_ rate: Double) -> String {
  if rate >= 10_000 {
    return String(format: "%.1fk", rate / 1000)
  }
  if rate >= 100 {
    return String(format: "%.0f", rate)
  }
  return String(format: "%.1f", rate)
}

/// Formats seconds as `m:ss` or `h:mm:ss`.
public func formatDuration(_ seconds: Double) -> String {
  let total = Int(seconds.rounded())
  let hours = total / 3600
  let minutes = (total % 3600) / 60
  let secs = total % 60
  if hours > 0 {
    return String(format: "%d:%02d:%02d", hours, minutes, secs)
  }
  return String(format: "%d:%02d", minutes, secs)
}
