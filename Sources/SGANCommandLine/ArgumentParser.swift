/// Thrown when the command line is invalid; tools exit with status 64 (EX_USAGE).
public struct UsageError: Error, CustomStringConvertible, Equatable {
  /// The problem, naming the offending argument.
  public let message: String

  /// The command whose `--help` the error points to.
  public let commandName: String

  /// Creates a usage error for `commandName`.
  public init(_ message: String, commandName: String) {
    self.message = message
    self.commandName = commandName
  }

  public var description: String { message }
}

/// Thrown by `parse` when `--help` is present; the tool prints the text and exits 0.
public struct HelpRequest: Error {
  /// The help text of the requested command.
  public let text: String
}

extension Command {
  /// Parses `arguments` (without the command's own name) into flags, values and positionals.
  ///
  /// Accepts `--name value`, `--name=value` and `--` to end the options; `-o` is accepted as
  /// `--output` when the command has an `output` option.
  /// - Throws: `HelpRequest` when `--help` or `-h` is present, `UsageError` for an unknown
  ///   option (suggesting the closest name), a missing value, a flag given a value, or a wrong
  ///   number of positional arguments.
  public func parse(_ arguments: [String]) throws -> ParsedArguments {
    if arguments.contains("--help") || arguments.contains("-h") {
      throw HelpRequest(text: helpText)
    }

    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionalValues: [String] = []
    var index = 0
    var optionsEnded = false

    while index < arguments.count {
      let argument = arguments[index]
      index += 1

      if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
        positionalValues.append(argument)
        continue
      }
      if argument == "--" {
        optionsEnded = true
        continue
      }

      let (name, inlineValue) = splitOption(argument)
      guard let option = options.first(where: { $0.name == name }) else {
        throw UsageError(unknownOptionMessage(argument, name: name), commandName: self.name)
      }

      if option.valueName == nil {
        if inlineValue != nil {
          throw UsageError("option '--\(name)' takes no value", commandName: self.name)
        }
        flags.insert(name)
        continue
      }

      if let inlineValue {
        values[name] = inlineValue
      } else if index < arguments.count {
        values[name] = arguments[index]
        index += 1
      } else {
        throw UsageError(
          "option '--\(name)' needs a value (\(option.valueName!))", commandName: self.name)
      }
    }

    let required = positionals.filter { !$0.isOptional }.count
    if positionalValues.count < required {
      let missing = positionals[positionalValues.count].name
      throw UsageError("missing argument \(missing)", commandName: self.name)
    }
    if positionalValues.count > positionals.count {
      let extra = positionalValues[positionals.count]
      throw UsageError("unexpected argument '\(extra)'", commandName: self.name)
    }
    return ParsedArguments(
      commandName: name, values: values, flags: flags, positionals: positionalValues)
  }

  private func splitOption(_ argument: String) -> (name: String, value: String?) {
    if argument == "-o" {
      return ("output", nil)
    }
    let body = argument.drop(while: { $0 == "-" })
    if let equals = body.firstIndex(of: "=") {
      return (String(body[..<equals]), String(body[body.index(after: equals)...]))
    }
    return (String(body), nil)
  }

  private func unknownOptionMessage(_ argument: String, name: String) -> String {
    var message = "unknown option '\(argument)'"
    let candidates = options.map(\.name)
    if let nearest = closestName(to: name, among: candidates) {
      message += "; did you mean '--\(nearest)'?"
    }
    return message
  }
}

/// Returns the candidate nearest to `name` by edit distance, when it is plausibly a typo.
public func closestName(to name: String, among candidates: [String]) -> String? {
  let scored = candidates.map { ($0, editDistance(name, $0)) }
  guard let best = scored.min(by: { $0.1 < $1.1 }) else {
    return nil
  }
  let limit = max(2, name.count / 3)
  return best.1 <= limit ? best.0 : nil
}

/// Levenshtein distance between two strings, counted in characters.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }

  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
