import Foundation
import SGANCommandLine
import SGANCore
import SGANData
import SGANMPI
import SGANTraining

let layersCommand = Command(
  name: "sgan-bench layers",
  summary: "Time forward and backward passes of the DCGAN networks per layer.",
  discussion: """
    Runs on one thread (OpenBLAS set to one thread) in training mode. The discriminator's
    backward pass includes its input gradient. Rates are GEMM operations over each layer's
    whole time, beside the single-thread sgemm rate measured first.
    """,
  options: [
    .value("batch", "N", "Samples per pass.", default: "64"),
    .value("repetitions", "N", "Timed passes per network after one warm-up pass.", default: "3"),
    .value("image-size", "S", "Image side in pixels: 32, 64 or 128.", default: "64"),
    .value("latent-size", "NZ", "Length of the latent vector.", default: "100"),
    .value("filters", "F", "Base filter count of both networks.", default: "64"),
    .value(
      "sgemm-size", "S", "Side of the square matrices of the reference sgemm.", default: "1024"),
  ])

let allocationsCommand = Command(
  name: "sgan-bench allocations",
  summary: "Count heap allocations in steady-state Softmax GAN iterations on one thread.",
  discussion: """
    Needs glibc's malloc trace, which works only with the debug allocator preloaded:
      MALLOC_TRACE=/tmp/sgan.trace \\
        LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so sgan-bench allocations
    """,
  options: [
    .value("batch", "N", "Real and generated samples per iteration.", default: "8"),
    .value("iterations", "N", "Traced iterations after two untraced ones.", default: "3"),
    .value("image-size", "S", "Image side in pixels: 32, 64 or 128.", default: "64"),
    .value("filters", "F", "Base filter count of both networks.", default: "16"),
  ])

let readerCommand = Command(
  name: "sgan-bench reader",
  summary: "Measure how fast the batch reader delivers a packed dataset's batches.",
  discussion: """
    Reads every image of the dataset (all splits) with the batch reader sgan-train uses, and
    takes batches as fast as the reader's prefetch thread prepares them (reading, converting bytes to floats, scaling), copying each into a
    buffer. Compare the images/s with the rate sgan-bench step measures for training: the
    reader keeps up while it is well above it.

    Example: sgan-bench reader --data celeba-64.h5 --source file --seconds 5
    """,
  options: [
    .value("data", "FILE.h5", "Packed dataset to read (required)."),
    .value("batch-size", "N", "Images per batch.", default: "64"),
    .value(
      "source", "NAME",
      "auto (memory when the split fits in 1 GiB, as sgan-train does), memory, file, or all "
        + "three in turn.", default: "all"),
    .value("seconds", "S", "Minimum seconds of timed reading per source.", default: "3"),
  ])

let stepCommand = Command(
  name: "sgan-bench step",
  summary: "Time sgan-train's training iteration for several thread counts.",
  discussion: """
    Runs the iteration sgan-train runs (discriminator step and Adam, then generator step and
    Adam) on fresh networks for each thread count, after warm-up iterations. Strong scaling
    keeps the batch; --weak multiplies it by the thread count. Also measures the sgemm rate on
    1, 2 and each listed thread count up to the number of processors (every thread its own
    square product), before and after the iterations.

    Columns: median wall seconds per iteration (fastest and slowest), median CPU seconds of
    all threads per iteration (apart from time spent waiting for a core), real images per second,
    speed-up and efficiency over the first thread count, achieved GFLOP/s (analytic
    convolution operations of the passes run, over the median time) and its share of the
    sgemm rate on as many threads, then each phase's share of the iteration.

    Under mpirun every rank runs each thread count on its slice of the batch, and the comm
    column shows the time spent exchanging partials and gradients with the other ranks.

    Examples:
      sgan-bench step --threads 1,2 --iterations 5 --json step.json
      mpirun -np 2 sgan-bench step --threads 1 --iterations 5
    """,
  options: [
    .value("threads", "LIST", "Comma-separated thread counts, run in order.", default: "1,2"),
    .flag("weak", "Weak scaling: the batch sizes are per thread."),
    .value("batch-size", "N", "Real images per step (per thread with --weak).", default: "64"),
    .value(
      "fake-size", "M", "Generated images per step (per thread with --weak).",
      default: "the batch size"),
    .value("loss", "NAME", "Loss: softmax or gan.", default: "softmax"),
    .value("d-steps", "N", "Discriminator updates per iteration.", default: "1"),
    .value("g-steps", "N", "Generator updates per iteration.", default: "1"),
    .value("warm-up", "N", "Untimed iterations before timing, per thread count.", default: "1"),
    .value("iterations", "N", "Timed iterations per thread count.", default: "5"),
    .value("data", "FILE.h5", "Packed dataset to read real batches from.", default: "random"),
    .value("image-size", "S", "Image side in pixels without --data: 32, 64 or 128.", default: "64"),
    .value("latent-size", "NZ", "Length of the latent vector.", default: "100"),
    .value("filters", "F", "Base filter count of both networks.", default: "64"),
    .value(
      "sgemm-size", "S", "Side of each thread's square sgemm reference; 0 skips it.",
      default: "1024"),
    .value("seed", "N", "Seed of initialisation, noise and data order.", default: "1"),
    .value("csv", "FILE", "Also write the rows as CSV."),
    .value("json", "FILE", "Also write the whole result as JSON (for tools/plot_scaling.py)."),
  ])

let tool = ToolWithSubcommands(
  name: "sgan-bench", summary: "Benchmarks of the Softmax GAN engine.",
  subcommands: [readerCommand, layersCommand, stepCommand, allocationsCommand])

/// Reads the architecture options shared by the subcommands.
/// - Throws: `UsageError` for a value outside the range or an unsupported architecture.
func configuration(from arguments: ParsedArguments, defaultFilters: Int) throws
  -> DCGANConfiguration
{
  var configuration = DCGANConfiguration()
  configuration.imageSize = try arguments.int("image-size", default: 64, range: 1...4096)!
  configuration.latentSize = try arguments.int("latent-size", default: 100, range: 1...100_000)!
  let filters = try arguments.int("filters", default: defaultFilters, range: 1...4096)!
  configuration.generatorFilters = filters
  configuration.discriminatorFilters = filters
  do {
    try configuration.validate()
  } catch {
    throw UsageError(error.description, commandName: arguments.commandName)
  }
  return configuration
}

/// Runs `sgan-bench step`, prints the report and writes the requested files.
/// - Throws: `UsageError` for invalid options; benchmark and file errors as they come.
func runStepBenchmark(_ arguments: ParsedArguments, group: ProcessGroup) throws {
  var settings = StepBenchmark.Settings()
  settings.architecture = try configuration(from: arguments, defaultFilters: 64)
  settings.threadCounts = try arguments.intList("threads", default: [1, 2], range: 1...4096)!
  settings.weakScaling = arguments.flag("weak")
  settings.batchSize = try arguments.int("batch-size", default: 64, range: 1...65536)!
  settings.generatedSize = try arguments.int(
    "fake-size", default: settings.batchSize, range: 1...65536)!
  let loss = try arguments.choice("loss", ["softmax", "gan"], default: "softmax")!
  settings.loss = loss == "softmax" ? .softmax : .standard
  settings.discriminatorSteps = try arguments.int("d-steps", default: 1, range: 1...100)!
  settings.generatorSteps = try arguments.int("g-steps", default: 1, range: 1...100)!
  settings.warmUpIterations = try arguments.int("warm-up", default: 1, range: 0...1000)!
  settings.timedIterations = try arguments.int("iterations", default: 5, range: 1...10000)!
  settings.dataPath = arguments.string("data")
  settings.sgemmSize = try arguments.int("sgemm-size", default: 1024, range: 0...8192)!
  settings.seed = UInt64(try arguments.int("seed", default: 1, range: 0...Int.max)!)

  if settings.batchSize < group.size || settings.generatedSize < group.size {
    throw UsageError(
      "--batch-size \(settings.batchSize) and --fake-size \(settings.generatedSize) must each be "
        + "at least the \(group.size) MPI ranks, because every rank takes at least one real and "
        + "one generated image", commandName: stepCommand.name)
  }
  let result = try StepBenchmark.run(settings, group: group, progress: { Console.info($0) })
  Console.info("")
  Console.info(result.report)

  try group.collectively {
    guard group.rank == 0 else { return }
    if let path = arguments.string("csv") {
      try writeOutput(Data(result.csv.utf8), to: path, option: "csv")
    }
    if let path = arguments.string("json") {
      try writeOutput(try result.jsonData(), to: path, option: "json")
    }
  }
}

/// Runs `sgan-bench reader` and prints one line per source.
func runReaderBenchmark(_ arguments: ParsedArguments) throws {
  let path = try arguments.requiredString("data")
  let batchSize = try arguments.int("batch-size", default: 64, range: 1...65_536)!
  let seconds = try arguments.double("seconds", default: 3, range: 0.1...3600)!
  let choice = try arguments.choice("source", ["all", "auto", "memory", "file"], default: "all")!
  let sources = choice == "all" ? ReaderBenchmark.Source.allCases : [.init(rawValue: choice)!]

  for source in sources {
    let result = try ReaderBenchmark.run(
      path: path, batchSize: batchSize, source: source, seconds: seconds)
    let place = result.cachesImages ? "held in memory" : "read from the file"
    Console.info(
      "\(source.rawValue): \(place), \(result.splitCount) images, batch \(batchSize): "
        + String(format: "%.0f images/s", result.imagesPerSecond)
        + " (\(result.batches) batches in \(String(format: "%.2f", result.seconds)) s), first "
        + "batch after \(String(format: "%.2f", result.firstBatchSeconds)) s")
  }
}

/// An output file that could not be written.
struct OutputWriteError: Error, CustomStringConvertible {
  var path: String
  var reason: String
  var description: String { "cannot write '\(path)': \(reason); check the folder exists" }
}

/// Writes `data` to `path` for option `--option`.
/// - Throws: `OutputWriteError` naming the path.
func writeOutput(_ data: Data, to path: String, option: String) throws {
  do {
    try data.write(to: URL(fileURLWithPath: path))
  } catch {
    throw OutputWriteError(path: path, reason: error.localizedDescription)
  }
  Console.info("wrote --\(option) '\(path)'")
}

runToolOnRanks("sgan-bench") { group in
  let (command, arguments) = try tool.parse(Array(CommandLine.arguments.dropFirst()))
  if command.name != stepCommand.name && group.size > 1 {
    throw UsageError(
      "only 'sgan-bench step' runs across MPI ranks; start the others without mpirun",
      commandName: command.name)
  }

  switch command.name {
  case stepCommand.name:
    try runStepBenchmark(arguments, group: group)

  case readerCommand.name:
    try runReaderBenchmark(arguments)

  case layersCommand.name:
    let result = try LayerBenchmark.run(
      configuration: configuration(from: arguments, defaultFilters: 64),
      batch: try arguments.int("batch", default: 64, range: 1...4096)!,
      repetitions: try arguments.int("repetitions", default: 3, range: 1...1000)!,
      referenceSize: try arguments.int("sgemm-size", default: 1024, range: 16...8192)!,
      progress: { Console.info($0) })
    Console.info("")
    Console.info(result.report)

  default:
    let iterations = try arguments.int("iterations", default: 3, range: 1...1000)!
    let result = try AllocationBenchmark.run(
      configuration: configuration(from: arguments, defaultFilters: 16),
      batch: try arguments.int("batch", default: 8, range: 1...4096)!, iterations: iterations)
    guard let allocations = result.allocations else {
      throw UsageError(
        "malloc tracing is unavailable; set MALLOC_TRACE and preload libc_malloc_debug.so "
          + "as shown in --help", commandName: allocationsCommand.name)
    }
    Console.info(
      "\(allocations) heap allocations in \(result.tracedIterations) traced iterations "
        + "after \(result.warmUpIterations) untraced ones")
    Console.info(
      "control: one Swift array of 1000 integers counted as "
        + "\(result.controlAllocations.map(String.init) ?? "?") allocation(s)")
  }
}
