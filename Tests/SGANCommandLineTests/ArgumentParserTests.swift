import Testing

@testable import SGANCommandLine

private let trainCommand = Command(
  name: "sgan-train",
  summary: "Trains a GAN.",
  options: [
    .value("threads", "N", "Worker threads.", default: "2"),
    .value("lr", "RATE", "Learning rate.", default: "0.0002"),
    .value("loss", "NAME", "Loss: softmax or gan.", default: "softmax"),
    .value("output", "DIR", "Run folder."),
    .value("threads-list", "LIST", "Thread counts."),
    .flag("resume", "Continue the run in the output folder."),
  ],
  positionals: [
    Positional("DATA", "Packed dataset."), Positional("EXTRA", "More.", optional: true),
  ]
)

@Suite struct ArgumentParserTests {
  @Test func valuesFlagsAndPositionalsParse() throws {
    let parsed = try trainCommand.parse(["data.h5", "--threads", "4", "--resume", "--lr=0.001"])
    #expect(try parsed.int("threads") == 4)
    #expect(try parsed.double("lr") == 0.001)
    #expect(parsed.flag("resume"))
    #expect(parsed.positional(0) == "data.h5")
    #expect(parsed.positional(1) == nil)
  }

  @Test func defaultsApplyWhenOptionMissing() throws {
    let parsed = try trainCommand.parse(["data.h5"])
    #expect(try parsed.int("threads", default: 7) == 7)
    #expect(try parsed.choice("loss", ["softmax", "gan"], default: "softmax") == "softmax")
    #expect(!parsed.flag("resume"))
  }

  @Test func shortOutputMeansOutputOption() throws {
    let parsed = try trainCommand.parse(["data.h5", "-o", "run"])
    #expect(parsed.string("output") == "run")
  }

  @Test func helpFlagThrowsHelpRequest() {
    #expect(throws: HelpRequest.self) { try trainCommand.parse(["--threads", "2", "--help"]) }
  }

  @Test func helpTextListsDefaultsAndExitCodes() {
    let text = trainCommand.helpText
    #expect(text.contains("--threads N"))
    #expect(text.contains("(default: 2)"))
    #expect(text.contains("Usage: sgan-train DATA [EXTRA] [options]"))
    #expect(text.contains("64 for an invalid command line"))
  }

  struct BadCase: CustomTestStringConvertible, Sendable {
    let id: String
    let arguments: [String]
    let message: String
    var testDescription: String { id }
  }

  static let badCases: [BadCase] = [
    BadCase(
      id: "unknown option suggests nearest", arguments: ["d.h5", "--thread", "2"],
      message: "unknown option '--thread'; did you mean '--threads'?"),
    BadCase(
      id: "unknown option far from all", arguments: ["d.h5", "--zzzzzzzz"],
      message: "unknown option '--zzzzzzzz'"),
    BadCase(
      id: "missing value", arguments: ["d.h5", "--threads"],
      message: "option '--threads' needs a value (N)"),
    BadCase(
      id: "flag given a value", arguments: ["d.h5", "--resume=yes"],
      message: "option '--resume' takes no value"),
    BadCase(id: "missing positional", arguments: [], message: "missing argument DATA"),
    BadCase(
      id: "extra positional", arguments: ["a", "b", "c"], message: "unexpected argument 'c'"),
  ]

  @Test(arguments: badCases) func invalidCommandLineIsRejected(_ badCase: BadCase) {
    do {
      _ = try trainCommand.parse(badCase.arguments)
      Issue.record("parse accepted \(badCase.arguments)")
    } catch let error as UsageError {
      #expect(error.message == badCase.message)
      #expect(error.commandName == "sgan-train")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  struct ValueCase: CustomTestStringConvertible, Sendable {
    let id: String
    let arguments: [String]
    let message: String
    var testDescription: String { id }
  }

  static let valueCases: [ValueCase] = [
    ValueCase(
      id: "threads not an integer", arguments: ["d", "--threads", "two"],
      message: "invalid value 'two' for '--threads': expected an integer"),
    ValueCase(
      id: "threads below range", arguments: ["d", "--threads", "0"],
      message: "invalid value '0' for '--threads': expected an integer of at least 1"),
    ValueCase(
      id: "learning rate not a number", arguments: ["d", "--lr", "fast"],
      message: "invalid value 'fast' for '--lr': expected a number"),
    ValueCase(
      id: "loss choice with typo", arguments: ["d", "--loss", "softmx"],
      message:
        "invalid value 'softmx' for '--loss': expected one of softmax, gan; did you mean 'softmax'?"
    ),
    ValueCase(
      id: "list element invalid", arguments: ["d", "--threads-list", "1,x"],
      message:
        "invalid value '1,x' for '--threads-list': expected comma-separated integers such as 1,2,4"
    ),
  ]

  @Test(arguments: valueCases) func invalidValueIsRejected(_ valueCase: ValueCase) throws {
    let parsed = try trainCommand.parse(valueCase.arguments)
    do {
      _ = try parsed.int("threads", range: 1...Int.max)
      _ = try parsed.double("lr")
      _ = try parsed.choice("loss", ["softmax", "gan"])
      _ = try parsed.intList("threads-list")
      Issue.record("accessors accepted \(valueCase.arguments)")
    } catch let error as UsageError {
      #expect(error.message == valueCase.message)
    }
  }

  @Test func intListParsesCommaSeparatedValues() throws {
    let parsed = try trainCommand.parse(["d", "--threads-list", "1,2,4,16"])
    #expect(try parsed.intList("threads-list") == [1, 2, 4, 16])
  }

  @Test func editDistanceCountsSingleEdits() {
    #expect(editDistance("threads", "thread") == 1)
    #expect(editDistance("lr", "rl") == 2)
    #expect(editDistance("", "abc") == 3)
  }
}

@Suite struct SubcommandToolTests {
  let tool = ToolWithSubcommands(
    name: "sgan-pack", summary: "Packs images.",
    subcommands: [
      Command(
        name: "sgan-pack info", summary: "Describes a file.",
        positionals: [Positional("FILE", "File.")]),
      Command(
        name: "sgan-pack folder", summary: "Packs a folder.",
        positionals: [Positional("DIR", "Folder.")]),
    ])

  @Test func subcommandIsFoundAndParsed() throws {
    let (command, parsed) = try tool.parse(["info", "x.h5"])
    #expect(command.name == "sgan-pack info")
    #expect(parsed.positional(0) == "x.h5")
  }

  @Test func unknownSubcommandSuggestsNearest() {
    do {
      _ = try tool.parse(["inf", "x.h5"])
      Issue.record("parse accepted an unknown command")
    } catch let error as UsageError {
      #expect(error.message == "unknown command 'inf'; did you mean 'info'?")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func toolHelpListsSubcommands() {
    #expect(tool.helpText.contains("  folder  Packs a folder."))
  }
}

@Suite struct ProgressReporterTests {
  @Test func plainLineShowsCountsAndRate() {
    let reporter = ProgressReporter(label: "packing", total: 200, unit: "images", isTerminal: false)
    let line = reporter.render(completed: 50, elapsed: 2)
    #expect(line == "packing 50/200 images (25%), 25.0 images/s, 0:06 left")
  }

  @Test func terminalLineDrawsBar() {
    let reporter = ProgressReporter(label: "p", total: 10, unit: "x", isTerminal: true)
    let line = reporter.render(completed: 10, elapsed: 5)
    #expect(line.hasPrefix("[##############################] p 10/10 x (100%)"))
  }

  @Test func durationFormatsHoursAndMinutes() {
    #expect(formatDuration(3725) == "1:02:05")
    #expect(formatDuration(65) == "1:05")
  }
}
