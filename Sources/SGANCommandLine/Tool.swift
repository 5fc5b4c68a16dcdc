#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Exit statuses shared by every tool.
public enum ExitStatus: Int32 {
  /// The work finished.
  case success = 0

  /// The work failed at run time: bad input data, an I/O error, a non-finite loss.
  case failure = 1

  /// The command line was invalid (EX_USAGE from sysexits.h).
  case usage = 64
}

/// The version string every tool prints and records in the files it writes.
public let toolVersion = "0.1.0"

/// A tool with subcommands, such as `sgan-pack celeba|idx|folder|info`.
public struct ToolWithSubcommands {
  /// The executable's name.
  public let name: String

  /// One line saying what the tool does.
  public let summary: String

  /// The subcommands, each with its own options.
  public let subcommands: [Command]

  /// Creates a tool description.
  public init(name: String, summary: String, subcommands: [Command]) {
    self.name = name
    self.summary = summary
    self.subcommands = subcommands
  }

  /// The help text listing the subcommands.
  public var helpText: String {
    var lines = [summary, "", "Usage: \(name) COMMAND [options]", "", "Commands:"]
    let width = subcommands.map { shortName(of: $0).count }.max() ?? 0
    for command in subcommands {
      let short = shortName(of: command)
      let padding = String(repeating: " ", count: width - short.count)
      lines.append("  \(short)\(padding)  \(command.summary)")
    }
    lines.append("")
    lines.append("Run '\(name) COMMAND --help' for the options of one command.")
    lines.append(exitStatusHelp)
    return lines.joined(separator: "\n")
  }

  /// Finds the subcommand named by the first argument and parses the rest.
  /// - Throws: `HelpRequest` for `--help` at either level, `UsageError` for a missing or
  ///   unknown subcommand (suggesting the closest) or invalid options.
  public func parse(_ arguments: [String]) throws -> (Command, ParsedArguments) {
    guard let first = arguments.first else {
      throw UsageError("missing command", commandName: name)
    }
    if first == "--help" || first == "-h" || first == "help" {
      throw HelpRequest(text: helpText)
    }
    guard let command = subcommands.first(where: { shortName(of: $0) == first }) else {
      var message = "unknown command '\(first)'"
      if let nearest = closestName(to: first, among: subcommands.map(shortName(of:))) {
        message += "; did you mean '\(nearest)'?"
      }
      throw UsageError(message, commandName: name)
    }
    return (command, try command.parse(Array(arguments.dropFirst())))
  }

  private func shortName(of command: Command) -> String {
    String(command.name.split(separator: " ").last ?? Substring(command.name))
  }
}

/// The lines every help text ends with, listing the exit statuses.
public let exitStatusHelp = """
  Exit status: 0 on success, 64 for an invalid command line, 1 for any other failure.
  """

/// Runs a tool's body, printing errors to standard error and exiting with the matching status.
///
/// `HelpRequest` prints the help text to standard output and exits 0. `UsageError` prints
/// `NAME: error: MESSAGE` and a pointer to `--help`, then exits 64. Any other error prints
/// `NAME: error: DESCRIPTION` and exits 1. This is the only place a tool calls `exit`.
public func runTool(_ name: String, _ body: () throws -> Void) -> Never {
  do {
    try body()
    Console.flush()
    exit(ExitStatus.success.rawValue)
  } catch let help as HelpRequest {
    print(help.text)
    exit(ExitStatus.success.rawValue)
  } catch let usage as UsageError {
    Console.error("\(name): error: \(usage.message)")
    Console.error("Run '\(usage.commandName) --help' for usage.")
    exit(ExitStatus.usage.rawValue)
  } catch {
    Console.error("\(name): error: \(describeError(error))")
    exit(ExitStatus.failure.rawValue)
  }
}

/// Returns the message of an error: its `description` when it conforms to
/// `CustomStringConvertible`, else Swift's default rendering of the value.
public func describeError(_ error: any Error) -> String {
  String(describing: error)
}
