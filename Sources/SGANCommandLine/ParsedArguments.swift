/// The values of one parsed command line, with typed accessors that throw `UsageError`.
public struct ParsedArguments: Sendable {
  /// The command these arguments belong to, named in errors.
  public let commandName: String

  /// The raw value of each option that was given, by option name.
  public let values: [String: String]

  /// The flags that were given.
  public let flags: Set<String>

  /// The positional arguments, in order.
  public let positionals: [String]

  /// Returns whether the flag `name` was given.
  public func flag(_ name: String) -> Bool {
    flags.contains(name)
  }

  /// Returns whether the option `name` was given, with a value or as a flag.
  public func has(_ name: String) -> Bool {
    values[name] != nil || flags.contains(name)
  }

  /// Returns the positional argument at `index`, or nil when it was left out.
  public func positional(_ index: Int) -> String? {
    index < positionals.count ? positionals[index] : nil
  }

  /// Returns the value of `name`, or `defaultValue` when it was not given.
  public func string(_ name: String, default defaultValue: String? = nil) -> String? {
    values[name] ?? defaultValue
  }

  /// Returns the value of `name` as a required string.
  /// - Throws: `UsageError` when the option was not given.
  public func requiredString(_ name: String) throws -> String {
    guard let value = values[name] else {
      throw UsageError("missing required option '--\(name)'", commandName: commandName)
    }
    return value
  }

  /// Returns the integer value of `name`, checked against `range`.
  /// - Throws: `UsageError` when the value is not an integer or lies outside `range`.
  public func int(
    _ name: String, default defaultValue: Int? = nil, range: ClosedRange<Int>? = nil
  ) throws -> Int? {
    guard let text = values[name] else {
      return defaultValue
    }
    guard let value = Int(text) else {
      throw invalid(name, text, "expected an integer")
    }
    if let range, !range.contains(value) {
      throw invalid(name, text, "expected \(describe(range))")
    }
    return value
  }

  /// Returns the floating-point value of `name`, checked against `range`.
  /// - Throws: `UsageError` when the value is not a finite number or lies outside `range`.
  public func double(
    _ name: String, default defaultValue: Double? = nil, range: ClosedRange<Double>? = nil
  ) throws -> Double? {
    guard let text = values[name] else {
      return defaultValue
    }
    guard let value = Double(text), value.isFinite else {
      throw invalid(name, text, "expected a number")
    }
    if let range, !range.contains(value) {
      throw invalid(name, text, "expected a number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
  }

  /// Returns the value of `name`, which must be one of `choices`.
  /// - Throws: `UsageError` listing the valid choices and the closest one.
  public func choice(
    _ name: String, _ choices: [String], default defaultValue: String? = nil
  ) throws -> String? {
    guard let text = values[name] else {
      return defaultValue
    }
    guard choices.contains(text) else {
      var reason = "expected one of \(choices.joined(separator: ", "))"
      if let nearest = closestName(to: text, among: choices) {
        reason += "; did you mean '\(nearest)'?"
      }
      throw invalid(name, text, reason)
    }
    return text
  }

  /// Returns a comma-separated list of integers such as `1,2,4,8`, each checked against `range`.
  /// - Throws: `UsageError` when an element is not an integer or lies outside `range`.
  public func intList(
    _ name: String, default defaultValue: [Int]? = nil, range: ClosedRange<Int>? = nil
  ) throws -> [Int]? {
    guard let text = values[name] else {
      return defaultValue
    }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var result: [Int] = []
    for part in parts {
      let trimmed = part.trimmingCharacters(in: " ")
      guard let value = Int(trimmed) else {
        throw invalid(name, text, "expected comma-separated integers such as 1,2,4")
      }
      if let range, !range.contains(value) {
        throw invalid(name, text, "each value must be \(describe(range))")
      }
      result.append(value)
    }
    return result
  }

  private func invalid(_ name: String, _ text: String, _ reason: String) -> UsageError {
    UsageError("invalid value '\(text)' for '--\(name)': \(reason)", commandName: commandName)
  }

  private func describe(_ range: ClosedRange<Int>) -> String {
    if range.upperBound == Int.max {
      return "an integer of at least \(range.lowerBound)"
    }
    return "an integer from \(range.lowerBound) to \(range.upperBound)"
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: Character) -> Substring {
    var result = self
    while result.first == set { result = result.dropFirst() }
    while result.last == set { result = result.dropLast() }
    return result
  }
}
