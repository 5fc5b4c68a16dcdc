import Foundation
import SGANCommandLine
import SGANData
import SGANMPI
import SGANTraining

let defaults = TrainingConfiguration(dataPath: "")
let cores = allowedCoreCount()

let command = Command(
  name: "sgan-train",
  summary: "Trains Softmax GAN (or the standard GAN loss) on a packed HDF5 dataset, "
    + "data-parallel on worker threads.",
  discussion: """
    Each iteration runs --d-steps discriminator updates, each on a new batch of --batch-size
    real and --fake-size generated images, then --g-steps generator updates. The run folder
    receives config.json, log.csv (one row per iteration), samples/step-NNNNNN.png (8x8 grids
    of one fixed latent batch) and checkpoint.h5. SIGINT or SIGTERM finishes the current
    iteration, writes a checkpoint and exits with status 1.

    Under mpirun, P ranks of --threads workers each share every batch: each rank reads its
    slice, the ranks combine ln Z_B, batch-norm sums and gradients, and rank 0 alone writes
    the run folder. Every rank must see the dataset and, to resume, the run folder.

    Examples:
      sgan-train --data fashion-mnist-32.h5 --out runs/fashion --epochs 1
      sgan-train --out runs/fashion --resume --steps 2000
      mpirun -np 2 sgan-train --threads 8 --data celeba-64.h5 --out runs/celeba
    """,
  options: [
    .value("data", "FILE.h5", "Packed dataset made by sgan-pack (required unless --resume)."),
    .value("out", "DIR", "Run folder for config, log, samples and checkpoint (required)."),
    .flag(
      "resume",
      "Continue the run in --out from its checkpoint. Only --steps, --threads, --data (a moved "
        + "file with the same checksum), --rank-timeout, the --*-every options and the number "
        + "of MPI ranks may change."),
    .flag("overwrite", "Start a new run in --out even if it holds one."),
    .value(
      "threads", "N", "Worker threads that share each batch (per rank under mpirun).",
      default: "\(cores), the cores this process may use"),
    .value("batch-size", "N", "Real images per discriminator update (N).", default: "64"),
    .value("fake-size", "N", "Generated images per update (M).", default: "--batch-size"),
    .value("steps", "N", "Iterations of the whole run.", default: "\(defaults.steps)"),
    .value("epochs", "N", "Passes over the split, instead of --steps."),
    .value("seed", "N", "Seed of initialisation, latent noise and data order.", default: "1"),
    .value("loss", "NAME", "softmax (Softmax GAN) or gan (standard GAN loss).", default: "softmax"),
    .value("lr", "RATE", "Adam learning rate of both networks.", default: "0.0002"),
    .value("beta1", "B", "Adam first-moment decay.", default: "0.5"),
    .value("beta2", "B", "Adam second-moment decay.", default: "0.999"),
    .value("d-steps", "N", "Discriminator updates per iteration.", default: "1"),
    .value("g-steps", "N", "Generator updates per iteration.", default: "1"),
    .value("nz", "N", "Latent vector length.", default: "100"),
    .value("filters", "N", "Base filter count of both networks.", default: "64"),
    .value(
      "input-range", "RANGE",
      "-1,1 (generator ends in tanh) or 0,1 (pixels / 256, generator ends in a sigmoid).",
      default: "-1,1"),
    .flag("no-g-batchnorm", "Remove batch normalisation from the generator."),
    .flag("no-d-batchnorm", "Remove batch normalisation from the discriminator."),
    .flag("constant-g-filters", "Give every generator layer --filters channels."),
    .flag("d-relu", "Use ReLU instead of LeakyReLU (slope 0.2) in the discriminator."),
    .value(
      "split", "NAME",
      "Dataset split: train, validation, test, all, or auto (train when the file has a "
        + "partition, else all).", default: "auto"),
    .value("sample-every", "N", "Iterations between sample grids; 0 for the end only.", default: "100"),
    .value(
      "checkpoint-every", "N", "Iterations between checkpoints; 0 for the end only.",
      default: "500"),
    .value("log-every", "N", "Iterations between progress lines.", default: "10"),
    .value(
      "rank-timeout", "SECONDS",
      "Under mpirun: how long a rank waits for the others at a combine point before it ends "
        + "the job.", default: "300"),
  ])

/// The cores each worker pool should use: this process's affinity mask, shared with the
/// other ranks on this machine when mpirun left every rank free to use every core.
func coresPerProcess() -> Int {
  let localRanks = MPILauncherEnvironment.localRankCount ?? 1
  let unbound = cores == ProcessInfo.processInfo.activeProcessorCount
  return unbound && localRanks > 1 ? max(1, cores / localRanks) : cores
}

/// Reads --rank-timeout before MPI starts, since the process group needs it; a malformed value
/// is reported by the full parse below.
func rankTimeout() -> Double {
  guard let arguments = try? command.parse(Array(CommandLine.arguments.dropFirst())),
    let seconds = try? arguments.double("rank-timeout", range: 1...86_400)
  else { return 300 }
  return seconds
}

runToolOnRanks(
  "sgan-train", timeoutSeconds: rankTimeout(),
  isRaisedOnEveryRank: { ($0 as? TrainingError)?.isRaisedOnEveryProcess ?? false }
) { group in
  let arguments = try command.parse(Array(CommandLine.arguments.dropFirst()))
  _ = try arguments.double("rank-timeout", range: 1...86_400)
  let output = try arguments.requiredString("out")
  let positive = 1...Int.max
  let threads = try arguments.int("threads", range: positive)
  let stop = StopRequest(
    notice: "finishing the current iteration, then writing a checkpoint",
    includeUserSignal: group.size > 1)

  let trainer: Trainer
  if arguments.flag("resume") {
    let changeable: Set = [
      "out", "resume", "steps", "threads", "data", "sample-every", "checkpoint-every",
      "log-every", "rank-timeout",
    ]
    for option in arguments.values.keys.sorted() + arguments.flags.sorted()
    where !changeable.contains(option) {
      throw UsageError(
        "--\(option) cannot change when resuming; the run keeps the settings in its "
          + "config.json (start a new run with --overwrite to change them)",
        commandName: command.name)
    }
    let changes = ResumeChanges(
      steps: try arguments.int("steps", range: positive), threads: threads,
      sampleEvery: try arguments.int("sample-every", range: 0...Int.max),
      checkpointEvery: try arguments.int("checkpoint-every", range: 0...Int.max),
      logEvery: try arguments.int("log-every", range: positive),
      dataPath: arguments.string("data"))
    trainer = try Trainer(resumeIn: output, changes: changes, group: group)
  } else {
    var configuration = TrainingConfiguration(dataPath: try arguments.requiredString("data"))
    configuration.threads = threads ?? coresPerProcess()
    // Upper bounds keep a mistyped size from failing deep inside an allocation.
    configuration.batchSize = try arguments.int("batch-size", default: 64, range: 1...65_536)!
    configuration.fakeSize = try arguments.int(
      "fake-size", default: configuration.batchSize, range: 1...65_536)!
    configuration.steps = try arguments.int("steps", default: defaults.steps, range: positive)!
    configuration.seed = UInt64(try arguments.int("seed", default: 1, range: 0...Int.max)!)
    let loss = try arguments.choice("loss", ["softmax", "gan"], default: "softmax")!
    configuration.loss = LossKind(rawValue: loss)!
    configuration.learningRate = try arguments.double(
      "lr", default: 2e-4, range: 1e-12...10)!
    configuration.beta1 = try arguments.double("beta1", default: 0.5, range: 0...0.999999)!
    configuration.beta2 = try arguments.double("beta2", default: 0.999, range: 0...0.999999)!
    configuration.discriminatorSteps = try arguments.int("d-steps", default: 1, range: positive)!
    configuration.generatorSteps = try arguments.int("g-steps", default: 1, range: positive)!
    configuration.latentSize = try arguments.int("nz", default: 100, range: 1...65_536)!
    configuration.filters = try arguments.int("filters", default: 64, range: 1...2048)!
    let range = try arguments.choice("input-range", ["-1,1", "0,1"], default: "-1,1")!
    configuration.inputRange = InputRange(rawValue: range)!
    configuration.generatorBatchNorm = !arguments.flag("no-g-batchnorm")
    configuration.discriminatorBatchNorm = !arguments.flag("no-d-batchnorm")
    configuration.constantGeneratorFilters = arguments.flag("constant-g-filters")
    configuration.discriminatorReLU = arguments.flag("d-relu")
    configuration.split = try arguments.choice(
      "split", ["train", "validation", "test", "all", "auto"], default: "auto")!
    configuration.sampleEvery = try arguments.int("sample-every", default: 100, range: 0...Int.max)!
    configuration.checkpointEvery = try arguments.int(
      "checkpoint-every", default: 500, range: 0...Int.max)!
    configuration.logEvery = try arguments.int("log-every", default: 10, range: positive)!
    let epochs = try arguments.int("epochs", range: positive)
    if epochs != nil && arguments.has("steps") {
      throw UsageError("give --steps or --epochs, not both", commandName: command.name)
    }
    trainer = try Trainer(
      newRunIn: output, configuration: configuration, epochs: epochs,
      overwrite: arguments.flag("overwrite"), group: group)
  }

  let configuration = trainer.configuration
  let step = trainer.step
  let perStep = max(step.realRange.count, step.generatedRange.count)
  if configuration.threads > perStep {
    let samples = group.size > 1 ? "samples of this rank's slice" : "samples of a step"
    Console.warning(
      "--threads \(configuration.threads) is more than the \(perStep) \(samples); "
        + "running \(step.workerCount) workers")
  }
  let usable = coresPerProcess()
  if step.workerCount > usable {
    let advice =
      group.size > 1
      ? "; give each rank its own cores, for example with mpirun --map-by slot:PE=N "
        + "--bind-to core, or lower --threads"
      : "; lower --threads to \(usable)"
    Console.warning(
      "\(plural(step.workerCount, "worker")) share the \(plural(usable, "core")) this "
        + "process may use\(advice)")
  }
  let workers =
    group.size > 1
    ? "\(group.size) ranks x \(plural(step.workerCount, "worker"))"
    : plural(step.workerCount, "worker")
  let record = trainer.record
  Console.info(
    "sgan-train \(toolVersion): \(configuration.loss.rawValue) loss, "
      + "data '\(configuration.dataPath)' (\(configuration.split) split, "
      + "\(record.splitCount) images of \(record.imageShape.map(String.init).joined(separator: "x")), "
      + "crc32 \(record.datasetChecksum ?? "none")), batch \(configuration.batchSize)+"
      + "\(configuration.fakeSize), \(workers), seed \(configuration.seed), "
      + "\(configuration.steps) iterations; every setting is in '\(trainer.run.configurationPath)'")
  Console.info("HDF5 library thread-safe: \(HDF5Library.isThreadSafe ? "yes" : "no")")
  if group.size > 1 {
    Console.info(
      "to stop after the current iteration with a checkpoint, send SIGUSR1 to mpirun "
        + "(kill -USR1 <pid of mpirun>): Ctrl-C makes mpirun kill the ranks about a second "
        + "later, which loses the iterations since the last checkpoint")
  }
  if trainer.iteration > 0 {
    Console.info("resuming at iteration \(trainer.iteration) of \(configuration.steps)")
  }

  trainer.report = { Console.info($0) }
  let summary = try trainer.train(stop: stop)
  Console.info(
    "finished \(summary.iterations) iterations in \(formatDuration(summary.seconds)); "
      + "checkpoint: \(summary.checkpointPath)")
}

/// `count` and `noun`, with an s after the noun unless `count` is 1.
func plural(_ count: Int, _ noun: String) -> String {
  "\(count) \(noun)\(count == 1 ? "" : "s")"
}
