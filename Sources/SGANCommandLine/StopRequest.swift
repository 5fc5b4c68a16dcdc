import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Turns SIGINT and SIGTERM into a flag that long work checks between units of work.
///
/// The signals are blocked from their default action and delivered through Dispatch sources,
/// so the unit in progress finishes (a training iteration, a block of packed images) and the
/// tool cleans up before it exits. The first signal prints `notice` to standard error; a
/// second one ends the process at once with status 130.
public final class StopRequest: @unchecked Sendable {
  private let lock = NSLock()
  private var signalName: String?  // protected by lock
  private var sources: [DispatchSourceSignal] = []

  /// Creates the flag and starts listening for SIGINT and SIGTERM, and for SIGUSR1 too when
  /// `includeUserSignal` is set; `notice` is printed when the first signal arrives, unless
  /// the console is quiet.
  ///
  /// SIGUSR1 is for jobs under Open MPI's `mpirun`, which passes SIGUSR1 on to every rank
  /// but follows the SIGTERM it sends them on Ctrl-C with SIGKILL about a second later.
  public init(notice: String? = nil, includeUserSignal: Bool = false) {
    var signals = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")]
    if includeUserSignal {
      signals.append((SIGUSR1, "SIGUSR1"))
    }
    for (number, name) in signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in
        guard let self else { return }
        if self.received != nil {
          Console.error("\(name) received again; exiting at once")
          exit(130)
        }
        self.request(name)
        if let notice, !Console.isQuiet {
          Console.error("\(name) received; \(notice) (send it again to exit at once)")
        }
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
    signal(SIGUSR1, SIG_DFL)
  }
}
