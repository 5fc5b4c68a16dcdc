import Foundation
import SGANCommandLine
import SGANCore
import SGANData

extension RandomPurpose {
  /// The latent vectors of the fixed sample grid.
  public static let sampleGrid = RandomPurpose(rawValue: 4)
}

/// What a finished or stopped run reports.
public struct TrainingSummary: Sendable {
  /// Iterations completed in the run so far, including earlier sessions.
  public var iterations: Int

  /// Seconds this session spent training.
  public var seconds: Double

  /// The checkpoint written last.
  public var checkpointPath: String
}

/// Trains a DCGAN pair with the data-parallel ``GANStep`` and keeps the run folder: config,
/// log, sample grids and checkpoints.
///
/// One iteration is `discriminatorSteps` discriminator updates, each on a new real batch and a
/// new generated batch, then `generatorSteps` generator updates. The first generator update
/// reuses the last generated batch and the last real batch, as DCGAN does; further ones draw
/// new latent vectors. Latent noise for iteration i comes from the noise indices
/// i·(d + g - 1) ..< (i + 1)·(d + g - 1), so it depends only on the seed and the iteration.
///
/// Across processes (MPI ranks, through a ``ProcessGroup``), every rank builds the same
/// networks, reads only its slice of each real batch, and runs the step on it. Rank 0 alone
/// writes the run folder. Checks that can fail on one rank (opening the data, reading the
/// checkpoint, writing files) are agreed on collectively, so every rank stops together with
/// an error naming the ranks that failed.
public final class Trainer {
  /// The run folder.
  public let run: RunDirectory

  /// What config.json holds, including the settings.
  public let record: RunRecord

  /// Iterations completed.
  public internal(set) var iteration: Int

  /// The step, whose networks and optimisers hold the run's state.
  public let step: GANStep

  /// Where progress lines go; the tool prints them, tests may collect them.
  public var report: (String) -> Void = { _ in }

  let reader: BatchReader
  let realBatch: Tensor  // [N_p, C, H, W], this process's slice of the real batch
  let sampler: Network  // generator replica in inference mode, [64, nz, 1, 1]
  let sampleLatents: Tensor  // [64, nz, 1, 1]
  let log: TrainingLog?  // rank 0 only
  var lastCheckpoint: String?

  /// The processes that share each batch; a single process unless launched by MPI.
  public var group: ProcessGroup { step.group }

  /// Whether this process writes the run folder: rank 0.
  public var writesOutput: Bool { step.group.rank == 0 }

  /// The number of images in each sample grid, an 8x8 tiling.
  public static let sampleCount = 64

  /// The settings.
  public var configuration: TrainingConfiguration { record.configuration }

  /// Starts a new run in `outputPath` with `configuration`.
  ///
  /// - Throws: `TrainingError.invalidSetting` before any work for settings that cannot work
  ///   with the dataset (image size, channels, a batch larger than the split), or when the
  ///   folder already holds a run and `overwrite` is false. With several processes, a
  ///   ``ProcessGroupFailure`` on every rank when some rank fails.
  public convenience init(
    newRunIn outputPath: String, configuration: TrainingConfiguration, epochs: Int? = nil,
    overwrite: Bool = false, group: ProcessGroup = SingleProcessGroup()
  ) throws {
    if let problem = configuration.validationProblem(processes: group.size) {
      throw TrainingError.invalidSetting(problem)
    }
    let run = RunDirectory(path: outputPath)
    try group.collectively {
      if group.rank == 0 && run.holdsRun && !overwrite {
        throw TrainingError.invalidSetting(
          "'\(outputPath)' already holds a run; continue it with --resume, start over with "
            + "--overwrite, or choose another --out folder")
      }
    }

    var configuration = configuration
    configuration.dataPath = URL(fileURLWithPath: configuration.dataPath).standardizedFileURL.path
    let dataset = try group.collectively {
      if configuration.split == "auto" {
        configuration.split = try Trainer.defaultSplit(configuration.dataPath)
      }
      return try Trainer.openDataset(configuration)
    }
    if let epochs {
      let batches = dataset.splitCount / configuration.batchSize
      configuration.steps = max(1, epochs * batches / configuration.discriminatorSteps)
    }
    let record = RunRecord(
      configuration: configuration,
      datasetChecksum: dataset.checksum.map { ContentChecksum.hex($0) },
      imageShape: [dataset.shape.height, dataset.shape.width, dataset.shape.channels],
      splitCount: dataset.splitCount, toolVersion: toolVersion, processes: group.size)
    try Trainer.checkSameRecord(record, group: group)

    try group.collectively {
      guard group.rank == 0 else { return }
      if overwrite {
        try run.removeRun()
      }
      try run.create()
      try record.write(to: run.configurationPath)
    }
    try self.init(run: run, record: record, resumeState: nil, group: group)
  }

  /// Continues the run in `outputPath` from its checkpoint, up to `steps` iterations.
  ///
  /// `changes` may set the number of iterations, the thread count (the result then matches
  /// the uninterrupted run to rounding only, since sums are grouped by worker), how often
  /// samples, checkpoints and progress lines appear, and the dataset path (for a moved file
  /// with the same checksum). Every other setting stays as the run began. The number of
  /// processes may change too, with the same effect as the thread count. Every process reads
  /// the run folder, so with several machines it must be on a shared file system.
  public convenience init(
    resumeIn outputPath: String, changes: ResumeChanges = ResumeChanges(),
    group: ProcessGroup = SingleProcessGroup()
  ) throws {
    let run = RunDirectory(path: outputPath)
    let (record, state) = try group.collectively {
      try Trainer.readRunToResume(run, changes: changes, processes: group.size)
    }
    try Trainer.checkSameRecord(record, group: group)
    try group.collectively {
      if group.rank == 0 {
        try record.write(to: run.configurationPath)
      }
    }
    try self.init(run: run, record: record, resumeState: state, group: group)
  }

  /// Reads and checks the record and checkpoint of the run in `run`, applies `changes`, and
  /// checks the dataset against the record.
  private static func readRunToResume(
    _ run: RunDirectory, changes: ResumeChanges, processes: Int
  ) throws -> (RunRecord, Checkpoint.State) {
    let outputPath = run.path
    guard FileManager.default.fileExists(atPath: run.checkpointPath) else {
      throw TrainingError.invalidSetting(
        "'\(run.checkpointPath)' does not exist, so there is nothing to resume; "
          + "start the run again with --overwrite")
    }
    var record = try RunRecord.read(from: run.configurationPath)
    let state = try Checkpoint.readState(from: run.checkpointPath)
    let stored = try state.configuration(path: run.checkpointPath)
    guard stored.definesSameRun(as: record.configuration) else {
      throw TrainingError.checkpoint(
        path: run.checkpointPath,
        reason: "its settings differ from '\(run.configurationPath)'; restore that file")
    }
    changes.apply(to: &record.configuration)
    record.processes = processes
    if let problem = record.configuration.validationProblem(processes: processes) {
      throw TrainingError.invalidSetting(problem)
    }
    guard record.configuration.steps > state.iteration else {
      throw TrainingError.invalidSetting(
        "the run already completed \(state.iteration) iterations; "
          + "pass a larger --steps to continue it")
    }

    let dataset = try Trainer.openDataset(record.configuration)
    let checksum = dataset.checksum.map { ContentChecksum.hex($0) }
    if let expected = record.datasetChecksum, let checksum, checksum != expected {
      throw TrainingError.invalidSetting(
        "'\(record.configuration.dataPath)' has checksum \(checksum) but the run was trained "
          + "on \(expected); point the run at the original file")
    }
    return (record, state)
  }

  private init(
    run: RunDirectory, record: RunRecord, resumeState: Checkpoint.State?, group: ProcessGroup
  ) throws {
    self.run = run
    self.record = record
    let configuration = record.configuration

    let random = CounterRandom(seed: configuration.seed)
    let networks = try Trainer.makeNetworks(
      configuration, imageSize: record.imageShape[0], channels: record.imageShape[2])
    networks.generator.initializeDCGAN(random: random, networkIndex: 0)
    networks.discriminator.initializeDCGAN(random: random, networkIndex: 1)

    let optimizer = { (network: Network) in
      Adam(
        parameterCount: network.parameterCount, learningRate: Float(configuration.learningRate),
        beta1: Float(configuration.beta1), beta2: Float(configuration.beta2),
        epsilon: Float(configuration.epsilon))
    }
    step = GANStep(
      generator: networks.generator, discriminator: networks.discriminator,
      loss: configuration.loss == .softmax ? .softmax : .standard,
      realCount: configuration.batchSize, generatedCount: configuration.fakeSize,
      threads: configuration.threads, random: random,
      generatorOptimizer: optimizer(networks.generator),
      discriminatorOptimizer: optimizer(networks.discriminator), group: group)
    let step = self.step

    if let resumeState {
      try group.collectively { try Checkpoint.restore(step, from: run.checkpointPath) }
      iteration = resumeState.iteration
      lastCheckpoint = run.checkpointPath
    } else {
      iteration = 0
    }
    try Trainer.checkSameState(
      step, iteration: iteration, checkpointPath: resumeState == nil ? nil : run.checkpointPath)

    let slice = group.size > 1 ? step.realRange : nil
    reader = try group.collectively {
      try BatchReader(
        path: configuration.dataPath, split: DatasetSplit(rawValue: configuration.split)!,
        batchSize: configuration.batchSize, slice: slice, seed: configuration.seed,
        scaling: configuration.inputRange == .symmetric ? .minusOneToOne : .zeroToOne,
        start: resumeState?.dataPosition ?? .start)
    }
    realBatch = Tensor(
      shape: TensorShape(
        step.realRange.count, record.imageShape[2], record.imageShape[0],
        record.imageShape[1]))

    sampler = networks.generator.makeReplica(maxBatch: Trainer.sampleCount)
    sampler.mode = .inference
    sampleLatents = sampleGridLatents(
      count: Trainer.sampleCount, latentSize: configuration.latentSize, seed: configuration.seed)

    log = try group.collectively {
      group.rank == 0
        ? try TrainingLog(path: run.logPath, resumeStep: resumeState?.iteration ?? 0) : nil
    }
  }

  /// Checks that every process starts from the same parameters and optimiser state, which
  /// catches a run folder that differs between machines and builds whose initialisation
  /// differs.
  static func checkSameState(_ step: GANStep, iteration: Int, checkpointPath: String?) throws {
    let group = step.group
    guard group.size > 1 else { return }
    var hasher = StateFingerprint()
    hasher.add(UInt64(iteration))
    for network in [step.generator, step.discriminator] {
      hasher.add(network.parameters)
      hasher.add(network.runningStatistics)
    }
    for optimizer in [step.generatorOptimizer, step.discriminatorOptimizer] {
      hasher.add(UInt64(optimizer.stepCount))
      hasher.add(optimizer.firstMoments)
      hasher.add(optimizer.secondMoments)
    }
    let fingerprints = group.allGather(hasher.bytes)
    let differing = fingerprints.indices.filter { fingerprints[$0] != fingerprints[0] }
    if !differing.isEmpty {
      let ranks = rankList(differing)
      let cause =
        checkpointPath.map {
          "every rank must read the same '\($0)' (a shared file system) and run the same build"
        } ?? "every rank must run the same build of sgan-train with the same libraries"
      throw TrainingError.invalidSetting(
        "\(ranks) \(differing.count == 1 ? "starts" : "start") from other parameters than "
          + "rank 0; \(cause)")
    }
  }

  /// Checks that every process runs with the same settings and the same dataset, compared by
  /// content checksum, shape and split size. The dataset's path may differ between machines.
  static func checkSameRecord(_ record: RunRecord, group: ProcessGroup) throws {
    guard group.size > 1 else { return }
    var comparable = record
    comparable.configuration.dataPath = ""
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let records = group.allGather(Array(try encoder.encode(comparable)))
    let differing = records.indices.filter { records[$0] != records[0] }
    if !differing.isEmpty {
      throw TrainingError.invalidSetting(
        "\(rankList(differing)) \(differing.count == 1 ? "has" : "have") other settings or "
          + "another dataset than rank 0 (rank 0 reads '\(record.configuration.dataPath)', "
          + "crc32 \(record.datasetChecksum ?? "none"), \(record.splitCount) images); start every "
          + "rank with the same options and the same dataset file")
    }
  }

  /// Builds the generator and the discriminator for the run's architecture settings.
  static func makeNetworks(
    _ configuration: TrainingConfiguration, imageSize: Int, channels: Int
  ) throws -> (generator: Network, discriminator: Network) {
    var architecture = DCGANConfiguration()
    architecture.imageSize = imageSize
    architecture.channels = channels
    architecture.latentSize = configuration.latentSize
    architecture.generatorFilters = configuration.filters
    architecture.discriminatorFilters = configuration.filters
    architecture.generatorBatchNorm = configuration.generatorBatchNorm
    architecture.discriminatorBatchNorm = configuration.discriminatorBatchNorm
    architecture.constantGeneratorFilters = configuration.constantGeneratorFilters
    architecture.discriminatorActivation =
      configuration.discriminatorReLU ? .relu : .leakyReLU
    architecture.outputRange = configuration.inputRange == .symmetric ? .symmetric : .unit
    do {
      let generator = try DCGAN.makeGenerator(architecture, maxBatch: configuration.fakeSize)
      let discriminator = try DCGAN.makeDiscriminator(
        architecture, maxBatch: max(configuration.batchSize, configuration.fakeSize))
      return (generator, discriminator)
    } catch {
      throw TrainingError.invalidSetting("invalid network settings: \(error)")
    }
  }
}

/// What the trainer needs to know about the dataset before building anything.
struct DatasetFacts {
  var shape: PackedImageShape
  var splitCount: Int
  var checksum: UInt32?
}

extension Trainer {
  /// Opens the dataset and checks that the networks can train on the selected split.
  static func openDataset(_ configuration: TrainingConfiguration) throws -> DatasetFacts {
    let path = configuration.dataPath
    let dataset = try PackedDataset(path: path)
    let split = DatasetSplit(rawValue: configuration.split)!
    if split != .all && !dataset.hasPartition {
      throw TrainingError.invalidSetting(
        "'\(path)' has no train/validation/test partition, so --split \(split) does not "
          + "exist; use --split all")
    }
    let rows = try dataset.rows(in: split)
    let shape = dataset.shape

    if dataset.count == 0 || rows.isEmpty {
      throw TrainingError.invalidSetting(
        "'\(path)' holds no images in the '\(split)' split; choose another --split "
          + "or repack the dataset")
    }
    guard shape.height == shape.width, [32, 64, 128].contains(shape.height),
      [1, 3].contains(shape.channels)
    else {
      throw TrainingError.invalidSetting(
        "'\(path)' holds \(shape.height)x\(shape.width) images with \(shape.channels) "
          + "channels; the networks take square 32, 64 or 128 pixel images with 1 or 3 "
          + "channels, so repack it with sgan-pack --size 32, 64 or 128")
    }
    if configuration.batchSize > rows.count {
      let advice = split == .all ? "lower --batch-size" : "lower --batch-size or choose --split all"
      throw TrainingError.invalidSetting(
        "--batch-size \(configuration.batchSize) is larger than the \(rows.count) images of "
          + "the '\(split)' split of '\(path)'; \(advice)")
    }
    return DatasetFacts(shape: shape, splitCount: rows.count, checksum: dataset.storedChecksum)
  }
}

/// The settings a resumed run may change; nil keeps the run's value.
public struct ResumeChanges: Sendable {
  public var steps: Int?
  public var threads: Int?
  public var sampleEvery: Int?
  public var checkpointEvery: Int?
  public var logEvery: Int?
  public var dataPath: String?

  /// Creates changes; every setting left nil keeps the run's value.
  public init(
    steps: Int? = nil, threads: Int? = nil, sampleEvery: Int? = nil, checkpointEvery: Int? = nil,
    logEvery: Int? = nil, dataPath: String? = nil
  ) {
    self.steps = steps
    self.threads = threads
    self.sampleEvery = sampleEvery
    self.checkpointEvery = checkpointEvery
    self.logEvery = logEvery
    self.dataPath = dataPath
  }

  func apply(to configuration: inout TrainingConfiguration) {
    configuration.steps = steps ?? configuration.steps
    configuration.threads = threads ?? configuration.threads
    configuration.sampleEvery = sampleEvery ?? configuration.sampleEvery
    configuration.checkpointEvery = checkpointEvery ?? configuration.checkpointEvery
    configuration.logEvery = logEvery ?? configuration.logEvery
    if let dataPath {
      configuration.dataPath = URL(fileURLWithPath: dataPath).standardizedFileURL.path
    }
  }
}

extension Trainer {
  /// Returns `train` when the dataset has a partition, else `all`.
  static func defaultSplit(_ path: String) throws -> String {
    let dataset = try PackedDataset(path: path)
    return dataset.hasPartition ? "train" : "all"
  }
}

/// "rank 1" or "ranks 1, 3".
func rankList(_ ranks: [Int]) -> String {
  (ranks.count == 1 ? "rank " : "ranks ") + ranks.map(String.init).joined(separator: ", ")
}
