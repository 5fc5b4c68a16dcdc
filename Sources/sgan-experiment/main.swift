import Foundation
import SGANCommandLine
import SGANExperiments
import SGANTraining

let cores = ProcessInfo.processInfo.activeProcessorCount

let runCommand = Command(
  name: "sgan-experiment run",
  summary: "Trains every cell of an experiment grid and evaluates it, resuming where it stopped.",
  discussion: """
    SPEC is a JSON file of experiments x settings x losses x seeds (see experiments/*.json).
    Each cell trains in DIR/EXPERIMENT/SETTING/LOSS/seed-N and ends with result.json. Cells
    with a result are skipped; cells with a checkpoint continue from it, so running the same
    command again after an interruption finishes the grid. SIGINT or SIGTERM stops after the
    current iteration with a checkpoint.

    Example:
      sgan-experiment run experiments/mixtures.json -o runs/experiments
    """,
  options: [
    .value("output", "DIR", "Output folder of the grid (required; -o for short)."),
    .value("threads", "N", "Worker threads that share each batch.", default: "\(cores), all cores"),
    .value("only", "NAMES", "Comma-separated experiment names to run; all when absent."),
    .value(
      "max-iterations", "N",
      "Iterations each unfinished cell trains in this call before pausing; no limit by default."),
  ],
  positionals: [Positional("SPEC", "The grid's JSON spec file.")])

let reportCommand = Command(
  name: "sgan-experiment report",
  summary: "Writes the Markdown report of a grid: tables, sample figures and loss curves.",
  discussion: """
    Tables give the mean and sample standard deviation over the seeds of every finished
    cell. Figures go to --figures as PNG files, linked relative to the report.

    Example:
      sgan-experiment report runs/experiments --notes experiments/notes.md
    """,
  options: [
    .value("out", "FILE", "The Markdown file to write.", default: "docs/experiments.md"),
    .value("figures", "DIR", "Folder for the PNG figures.", default: "docs/experiments"),
    .value("notes", "FILE", "Markdown placed after the title: discussion and commands."),
    .value("version", "TEXT", "Project version to print.", default: "git describe --always --dirty"),
  ],
  positionals: [Positional("DIR", "The grid's output folder.")])

let tool = ToolWithSubcommands(
  name: "sgan-experiment",
  summary: "Runs and reports the GAN versus Softmax GAN experiment grids.",
  subcommands: [runCommand, reportCommand])

runTool("sgan-experiment") {
  try requireSingleProcess("sgan-experiment")
  let (command, arguments) = try tool.parse(Array(CommandLine.arguments.dropFirst()))
  guard let target = arguments.positional(0) else {
    throw UsageError("missing \(command.positionals[0].name)", commandName: command.name)
  }

  if command.name == runCommand.name {
    let spec = try ExperimentSpec.read(from: target)
    let output = try arguments.requiredString("output")
    let threads = try arguments.int("threads", range: 1...Int.max) ?? cores
    let budget = try arguments.int("max-iterations", range: 1...Int.max)
    let only = arguments.string("only").map {
      Set($0.split(separator: ",").map(String.init))
    }
    if let only {
      let known = Set(spec.experiments.map(\.name))
      for name in only where !known.contains(name) {
        throw UsageError(
          "--only names '\(name)', which is not an experiment of '\(target)'",
          commandName: command.name)
      }
    }
    let stop = StopRequest()
    let runner = GridRunner(spec: spec, outputPath: output, threads: threads)
    runner.report = { Console.info($0) }
    Console.info("spec \(target), output \(output), threads \(threads)")
    let results = try runner.run(only: only, iterationBudget: budget, stop: stop)
    Console.info("\(results.count) cells finished")
  } else {
    let report = ExperimentReport(gridPath: target)
    report.versionLabel = arguments.string("version") ?? projectVersion()
    if let notes = arguments.string("notes") {
      report.notes = try String(contentsOfFile: notes, encoding: .utf8)
    }
    let out = arguments.string("out") ?? "docs/experiments.md"
    let figures = arguments.string("figures") ?? "docs/experiments"
    try report.write(toPath: out, figuresPath: figures)
    Console.info("wrote \(out) and figures in \(figures)")
  }
}

/// Returns `git describe --always --dirty` of the working directory, or "unknown".
func projectVersion() -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git", "describe", "--always", "--dirty"]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return "unknown" }
  process.waitUntilExit()
  let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
  return process.terminationStatus == 0 && !trimmed.isEmpty ? trimmed : "unknown"
}
