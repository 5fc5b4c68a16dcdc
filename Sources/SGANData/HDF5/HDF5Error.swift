import CHDF5
import Foundation

/// A failed HDF5 C call: which call, on which file and object, and HDF5's own messages.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
  /// The C function that returned a failure, such as `H5Dopen2`.
  public let call: String

  /// The path of the HDF5 file the call worked on.
  public let file: String

  /// The object inside the file, such as `/images` or `/images@format_version` for an
  /// attribute; `/` for the file itself.
  public let object: String

  /// HDF5's error stack for the call, from the API function down to the most specific cause.
  /// Each entry reads `function(): description`.
  public let messages: [String]

  /// Creates an error from its parts; `messages` is normally collected by the call wrapper.
  public init(call: String, file: String, object: String, messages: [String]) {
    self.call = call
    self.file = file
    self.object = object
    self.messages = messages
  }

  /// The C `errno` that HDF5 recorded for a failed system call, when its messages carry one
  /// (its POSIX driver writes `errno = 28` into the message of a failed `write`).
  public var systemErrorNumber: Int32? {
    for message in messages.reversed() {
      guard let range = message.range(of: "errno = ") else { continue }
      let digits = message[range.upperBound...].prefix { $0.isNumber }
      if let number = Int32(digits) { return number }
    }
    return nil
  }

  /// Renders the call, object, file and HDF5's first and most specific messages.
  public var description: String {
    var text = "HDF5 call \(call) failed on '\(object)' in file '\(file)'"
    if let first = messages.first {
      text += ": \(first)"
    }
    if messages.count > 1, let last = messages.last {
      text += " (cause: \(last))"
    }
    return text
  }
}

// MARK: - Checked calls

/// The file and object a group of HDF5 calls works on, carried into each error.
struct HDF5Context {
  let file: String
  let object: String

  /// Returns the context of `name` below this one, or of `name` itself when it is absolute.
  func child(_ name: String) -> HDF5Context {
    if name.hasPrefix("/") { return HDF5Context(file: file, object: name) }
    let separator = object.hasSuffix("/") ? "" : "/"
    return HDF5Context(file: file, object: object + separator + name)
  }

  /// Returns the context naming attribute `name` of this object, written `object@name`.
  func attribute(_ name: String) -> HDF5Context {
    HDF5Context(file: file, object: object + "@" + name)
  }

  /// Runs one HDF5 call that signals failure with a negative value (`herr_t`, `hid_t`,
  /// `htri_t`, `int`, `ssize_t`), and throws `HDF5Error` with HDF5's error stack if it fails.
  @discardableResult
  func check<Value: BinaryInteger>(_ call: String, _ body: () -> Value) throws -> Value {
    try check(call, failsWhen: { $0 < 0 }, body)
  }

  /// Runs one HDF5 call whose failure value `failsWhen` recognises, such as `0` from
  /// `H5Tget_size`, and throws `HDF5Error` with HDF5's error stack if it fails.
  @discardableResult
  func check<Value>(
    _ call: String, failsWhen isFailure: (Value) -> Bool, _ body: () -> Value
  ) throws -> Value {
    try HDF5Library.perform {
      let value = body()
      guard isFailure(value) else { return value }

      let messages = collectErrorStack()
      throw HDF5Error(call: call, file: file, object: object, messages: messages)
    }
  }
}

/// The buffer that the `H5Ewalk2` callback appends to.
private final class ErrorStackMessages {
  var lines: [String] = []
}

/// Reads and clears this thread's default HDF5 error stack, API function first.
private func collectErrorStack() -> [String] {
  let collected = ErrorStackMessages()
  let walker: H5E_walk2_t = { _, entry, clientData in
    guard let entry, let clientData else { return 0 }
    let messages = Unmanaged<ErrorStackMessages>.fromOpaque(clientData).takeUnretainedValue()
    let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
    // HDF5 embeds ctime() output, newline included, in some messages.
    let description = (entry.pointee.desc.map { String(cString: $0) } ?? "")
      .replacingOccurrences(of: "\n", with: " ")
    messages.lines.append("\(function)(): \(description)")
    return 0
  }

  withExtendedLifetime(collected) {
    let clientData = Unmanaged.passUnretained(collected).toOpaque()
    _ = H5Ewalk2(HDF5Library.defaultErrorStack, H5E_WALK_DOWNWARD, walker, clientData)
  }
  _ = H5Eclear2(HDF5Library.defaultErrorStack)
  return collected.lines
}
