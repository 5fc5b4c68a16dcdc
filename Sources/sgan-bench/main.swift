import SGANCommandLine
import SGANCore

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

let tool = ToolWithSubcommands(
  name: "sgan-bench", summary: "Benchmarks of the Softmax GAN engine.",
  subcommands: [layersCommand, allocationsCommand])

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

runTool("sgan-bench") {
  let (command, arguments) = try tool.parse(Array(CommandLine.arguments.dropFirst()))

  switch command.name {
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
