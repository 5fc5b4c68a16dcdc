import Foundation
import SGANCore
import SGANData

/// The complete state of a run after some iteration: what a resume needs to continue exactly.
///
/// Layout of `checkpoint.h5` (format version 1):
///
///     /generator/<key>, /discriminator/<key>
///         float32 parameters and batch-norm running statistics, one dataset per PyTorch
///         state_dict key (`main.0.weight` ...), in PyTorch's shapes; `num_batches_tracked`
///         as int64 [1]
///     /optimizer/generator/exp_avg, /exp_avg_sq       float32 [P], attribute `step`
///     /optimizer/discriminator/exp_avg, /exp_avg_sq   likewise
///     root attributes: format_version, iteration (iterations completed), data_epoch,
///         data_batch (the next batch of the data order), seed, image_shape ([H, W, C] of the
///         training images), configuration (the settings as JSON), tool_version
///
/// Latent noise comes from a counter-based generator keyed by the seed and the iteration, so
/// the seed and the iteration are its whole state.
public enum Checkpoint {
  /// The version written to `format_version`.
  public static let formatVersion = 1

  /// Writes the state atomically to `path`: the file appears under its name only when
  /// complete, and an earlier checkpoint there stays intact until then.
  public static func write(
    to path: String, step: GANStep, iteration: Int, dataPosition: BatchPosition, seed: UInt64,
    imageShape: [Int], configurationJSON: String
  ) throws {
    try HDF5File.writeAtomically(to: path) { file in
      try writeContents(
        to: file, step: step, iteration: iteration, dataPosition: dataPosition, seed: seed,
        imageShape: imageShape, configurationJSON: configurationJSON)
    }
  }

  /// Writes every attribute, group and dataset. The groups are released when this returns,
  /// which HDF5 needs before the file can close.
  private static func writeContents(
    to file: HDF5File, step: GANStep, iteration: Int, dataPosition: BatchPosition,
    seed: UInt64, imageShape: [Int], configurationJSON: String
  ) throws {
    try file.writeAttribute("format_version", Int64(formatVersion))
    try file.writeAttribute("image_shape", imageShape.map { Int64($0) })
    try file.writeAttribute("iteration", Int64(iteration))
    try file.writeAttribute("data_epoch", Int64(dataPosition.epoch))
    try file.writeAttribute("data_batch", Int64(dataPosition.batch))
    try file.writeAttribute("seed", seed)
    try file.writeAttribute("configuration", configurationJSON)
    try file.writeAttribute("tool_version", PackedDatasetFormat.toolVersion)

    try writeNetwork(step.generator, to: try file.createGroup("generator"))
    try writeNetwork(step.discriminator, to: try file.createGroup("discriminator"))
    let optimizers = try file.createGroup("optimizer")
    try writeOptimizer(step.generatorOptimizer, to: try optimizers.createGroup("generator"))
    try writeOptimizer(
      step.discriminatorOptimizer, to: try optimizers.createGroup("discriminator"))
  }

  /// The scalar state read from a checkpoint.
  public struct State: Sendable, Equatable {
    public var iteration: Int
    public var dataPosition: BatchPosition
    public var seed: UInt64
    public var imageShape: [Int]
    public var configurationJSON: String

    /// The run's settings, decoded from ``configurationJSON``.
    public func configuration(path: String) throws -> TrainingConfiguration {
      do {
        return try JSONDecoder().decode(
          TrainingConfiguration.self, from: Data(configurationJSON.utf8))
      } catch {
        throw TrainingError.checkpoint(path: path, reason: "its settings are not valid: \(error)")
      }
    }
  }

  /// Reads the scalar state of the checkpoint at `path` without loading any tensor.
  public static func readState(from path: String) throws -> State {
    let file = try HDF5File.open(path: path)
    let version = try file.readAttribute("format_version", as: Int64.self)
    guard version == formatVersion else {
      throw TrainingError.checkpoint(
        path: path, reason: "format version \(version) is not the supported \(formatVersion)")
    }
    return State(
      iteration: Int(try file.readAttribute("iteration", as: Int64.self)),
      dataPosition: BatchPosition(
        epoch: Int(try file.readAttribute("data_epoch", as: Int64.self)),
        batch: Int(try file.readAttribute("data_batch", as: Int64.self))),
      seed: try file.readAttribute("seed", as: UInt64.self),
      imageShape: try file.readAttribute("image_shape", as: [Int64].self).map { Int($0) },
      configurationJSON: try file.readAttribute("configuration", as: String.self))
  }

  /// Loads parameters, running statistics, counters and optimiser state into `step`.
  /// - Throws: `TrainingError.checkpoint` when a tensor is missing or has another shape,
  ///   which means the checkpoint belongs to a different architecture.
  public static func restore(_ step: GANStep, from path: String) throws {
    let file = try HDF5File.open(path: path)
    try readNetwork(step.generator, from: try file.openGroup("generator"), path: path)
    try readNetwork(step.discriminator, from: try file.openGroup("discriminator"), path: path)
    let optimizers = try file.openGroup("optimizer")
    try readOptimizer(
      step.generatorOptimizer, from: try optimizers.openGroup("generator"), path: path)
    try readOptimizer(
      step.discriminatorOptimizer, from: try optimizers.openGroup("discriminator"), path: path)
  }

  /// Loads only the generator's parameters and running statistics, for sampling.
  public static func restoreGenerator(_ generator: Network, from path: String) throws {
    let file = try HDF5File.open(path: path)
    try readNetwork(generator, from: try file.openGroup("generator"), path: path)
  }

  // MARK: Networks

  private static func writeNetwork(_ network: Network, to group: HDF5Group) throws {
    for entry in network.parameterEntries {
      try writeTensor(network.parameters, entry: entry, to: group)
    }
    for entry in network.runningStatisticEntries {
      try writeTensor(network.runningStatistics, entry: entry, to: group)
    }
    for entry in network.counterEntries {
      let dataset = try group.createDataset(entry.name, of: Int64.self, shape: [1])
      try dataset.write([network.batchCounters[entry.index]])
    }
  }

  private static func writeTensor(_ buffer: Tensor, entry: ParameterEntry, to group: HDF5Group)
    throws
  {
    let dataset = try group.createDataset(entry.name, of: Float.self, shape: entry.dimensions)
    try dataset.write(Array(UnsafeBufferPointer(start: buffer.pointer + entry.offset, count: entry.count)))
  }

  private static func readNetwork(_ network: Network, from group: HDF5Group, path: String) throws {
    for entry in network.parameterEntries {
      try readTensor(into: network.parameters, entry: entry, from: group, path: path)
    }
    for entry in network.runningStatisticEntries {
      try readTensor(into: network.runningStatistics, entry: entry, from: group, path: path)
    }
    for entry in network.counterEntries {
      let values = try group.openDataset(entry.name).read(as: Int64.self)
      guard values.count == 1 else {
        throw TrainingError.checkpoint(path: path, reason: "'\(entry.name)' is not one counter")
      }
      network.batchCounters.baseAddress[entry.index] = values[0]
    }
  }

  private static func readTensor(
    into buffer: Tensor, entry: ParameterEntry, from group: HDF5Group, path: String
  ) throws {
    let name = "\(group.objectPath)/\(entry.name)"
    guard try group.contains(entry.name) else {
      throw TrainingError.checkpoint(
        path: path, reason: "'\(name)' is missing; the checkpoint is of another architecture")
    }
    let dataset = try group.openDataset(entry.name)
    let shape = try dataset.shape()
    guard shape == entry.dimensions else {
      throw TrainingError.checkpoint(
        path: path,
        reason: "'\(name)' has shape \(shape), the network expects \(entry.dimensions)")
    }
    let values = try dataset.read(as: Float.self)
    (buffer.pointer + entry.offset).update(from: values, count: entry.count)
  }

  // MARK: Optimisers

  private static func writeOptimizer(_ optimizer: Adam, to group: HDF5Group) throws {
    try group.writeAttribute("step", Int64(optimizer.stepCount))
    for (name, moments) in [
      ("exp_avg", optimizer.firstMoments), ("exp_avg_sq", optimizer.secondMoments),
    ] {
      let dataset = try group.createDataset(name, of: Float.self, shape: [moments.count])
      try dataset.write(moments.values)
    }
  }

  private static func readOptimizer(_ optimizer: Adam, from group: HDF5Group, path: String)
    throws
  {
    let stepCount = Int(try group.readAttribute("step", as: Int64.self))
    let first = try group.openDataset("exp_avg").read(as: Float.self)
    let second = try group.openDataset("exp_avg_sq").read(as: Float.self)
    guard first.count == optimizer.parameterCount, second.count == optimizer.parameterCount else {
      throw TrainingError.checkpoint(
        path: path,
        reason: "'\(group.objectPath)' holds moments of \(first.count) parameters, "
          + "the network has \(optimizer.parameterCount)")
    }
    optimizer.restore(stepCount: stepCount, firstMoments: first, secondMoments: second)
  }
}
