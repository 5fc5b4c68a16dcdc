/// One command-line option: a flag (`--resume`) or an option that takes a value (`--threads N`).
public struct Option: Sendable {
  /// The option's name without dashes, as in `threads` for `--threads`.
  public let name: String

  /// The placeholder shown for the value in help (`N`, `FILE`), or nil for a flag.
  public let valueName: String?

  /// One line saying what the option sets, with its unit.
  public let help: String

  /// The default shown in help, or nil when the option has none.
  public let defaultValue: String?

  /// Creates an option that takes a value.
  public static func value(
    _ name: String, _ valueName: String, _ help: String, default defaultValue: String? = nil
  ) -> Option {
    Option(name: name, valueName: valueName, help: help, defaultValue: defaultValue)
  }

  /// Creates a flag, which takes no value.
  public static func flag(_ name: String, _ help: String) -> Option {
    Option(name: name, valueName: nil, help: help, defaultValue: nil)
  }
}

/// One positional argument, such as the input folder of `sgan-pack folder DIR`.
public struct Positional: Sendable {
  /// The placeholder shown in usage (`DIR`, `FILE.h5`).
  public let name: String

  /// One line saying what the argument is.
  public let help: String

  /// Whether the argument may be left out.
  public let isOptional: Bool

  /// Creates a positional argument.
  public init(_ name: String, _ help: String, optional: Bool = false) {
    self.name = name
    self.help = help
    self.isOptional = optional
  }
}

/// A command: its options and positional arguments, and the help text made from them.
public struct Command: Sendable {
  /// The full name as typed, such as `sgan-pack celeba` or `sgan-train`.
  public let name: String

  /// One line saying what the command does.
  public let summary: String

  /// Paragraphs printed after the option list, such as examples and notes.
  public let discussion: String

  /// The options the command accepts; `--help` is added to every command.
  public let options: [Option]

  /// The positional arguments, in order.
  public let positionals: [Positional]

  /// Creates a command.
  public init(
    name: String, summary: String, discussion: String = "", options: [Option] = [],
    positionals: [Positional] = []
  ) {
    self.name = name
    self.summary = summary
    self.discussion = discussion
    self.options = options
    self.positionals = positionals
  }

  /// The usage line, such as `sgan-pack folder DIR -o OUT.h5 [options]`.
  public var usage: String {
    var parts = [name]
    for positional in positionals {
      parts.append(positional.isOptional ? "[\(positional.name)]" : positional.name)
    }
    if !options.isEmpty {
      parts.append("[options]")
    }
    return parts.joined(separator: " ")
  }

  /// Renders the help text: summary, usage, arguments, options with defaults, discussion.
  public var helpText: String {
    var lines = [summary, "", "Usage: \(usage)"]

    if !positionals.isEmpty {
      lines.append("")
      lines.append("Arguments:")
      let width = positionals.map(\.name.count).max() ?? 0
      for positional in positionals {
        lines.append("  \(padded(positional.name, to: width))  \(positional.help)")
      }
    }

    lines.append("")
    lines.append("Options:")
    let allOptions = options + [Option.flag("help", "Show this help and exit.")]
    let labels = allOptions.map { option in
      "--\(option.name)" + (option.valueName.map { " \($0)" } ?? "")
    }
    let width = labels.map(\.count).max() ?? 0
    for (option, label) in zip(allOptions, labels) {
      var text = option.help
      if let defaultValue = option.defaultValue {
        text += " (default: \(defaultValue))"
      }
      lines.append("  \(padded(label, to: width))  \(text)")
    }

    if !discussion.isEmpty {
      lines.append("")
      lines.append(discussion)
    }
    lines.append("")
    lines.append(exitStatusHelp)
    return lines.joined(separator: "\n")
  }

  private func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }
}
