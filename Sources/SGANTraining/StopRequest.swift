import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Turns SIGINT and SIGTERM into a flag the training loop checks between steps.
///
/// The signals are blocked from their default action and delivered through Dispatch sources,
/// so the step in progress finishes, the trainer writes a checkpoint, and only then exits.
public final class StopRequest: @unchecked Sendable {
  private let lock = NSLock()
  private var signalName: String?  // protected by lock
  private var sources: [DispatchSourceSignal] = []

  /// Creates the flag and starts listening for SIGINT and SIGTERM.
  public init() {
    for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        self?.request(name)
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Records a stop request as if `name` had been received; used by tests and by the signals.
  public func request(_ name: String) {
    lock.lock()
    defer { lock.unlock() }
    if signalName == nil {
      signalName = name
    }
  }

  /// The name of the first signal received, or nil while none has arrived.
  public var received: String? {
    lock.lock()
    defer { lock.unlock() }
    return signalName
  }

  deinit {
    for source in sources {
      source.cancel()
    }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
