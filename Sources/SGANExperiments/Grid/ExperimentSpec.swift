import Foundation
import SGANTraining

/// The kind of model an experiment trains: two-dimensional mixture generators or DCGAN.
public enum ExperimentKind: String, Codable, Sendable {
  /// Fully connected networks on a ring or grid of Gaussians (``MixtureSettings``).
  case mixture

  /// DCGAN on a packed image dataset, through ``Trainer`` (``TrainingConfiguration``).
  case image
}

/// Setting values that a spec file may give. Every field is optional, and a missing one keeps
/// the value of the level below: the built-in defaults, then the experiment's `base`.
public struct SettingValues: Codable, Equatable, Sendable {
  // Both kinds.
  public var steps: Int?
  public var batchSize: Int?
  public var learningRate: Double?
  public var beta1: Double?
  public var beta2: Double?
  public var discriminatorSteps: Int?
  public var generatorSteps: Int?
  public var latentSize: Int?
  public var checkpointEvery: Int?
  public var evaluationSamples: Int?

  // Mixtures.
  public var mixture: MixtureShape?
  public var hiddenWidth: Int?
  public var hiddenLayers: Int?

  // Images.
  public var dataPath: String?
  public var filters: Int?
  public var inputRange: InputRange?
  public var generatorBatchNorm: Bool?
  public var discriminatorBatchNorm: Bool?
  public var constantGeneratorFilters: Bool?
  public var discriminatorReLU: Bool?
  public var sampleEvery: Int?
  public var logEvery: Int?

  /// Creates an empty set of values.
  public init() {}
}

/// One named setting of an experiment: a name for tables and folders and the values it
/// changes from the experiment's base.
public struct NamedSetting: Codable, Equatable, Sendable {
  /// A short name made of letters, digits and dashes, used as a folder name.
  public var name: String

  /// One line saying what the setting changes, for the report.
  public var description: String?

  /// The values it sets on top of the base.
  public var values: SettingValues

  /// Creates a setting.
  public init(name: String, description: String? = nil, values: SettingValues = SettingValues()) {
    self.name = name
    self.description = description
    self.values = values
  }
}

/// One experiment: every setting is trained with every loss and every seed.
public struct Experiment: Codable, Equatable, Sendable {
  /// A short name made of letters, digits and dashes, used as a folder name.
  public var name: String

  /// A heading for the report.
  public var title: String?

  /// The kind of model the experiment trains.
  public var kind: ExperimentKind

  /// The losses compared; every cell of a setting differs only in the loss and the seed.
  public var losses: [LossKind]

  /// The seeds of every (setting, loss) pair.
  public var seeds: [UInt64]

  /// Values shared by all settings.
  public var base: SettingValues?

  /// The settings, at least one.
  public var settings: [NamedSetting]
}

/// A grid of experiments, read from a JSON spec file.
///
///     {"experiments": [{"name": "ring", "kind": "mixture", "losses": ["gan", "softmax"],
///       "seeds": [1, 2, 3], "base": {"mixture": "ring", "steps": 4000},
///       "settings": [{"name": "baseline", "values": {}}]}]}
public struct ExperimentSpec: Codable, Equatable, Sendable {
  /// The experiments in the order they run and appear in the report.
  public var experiments: [Experiment]

  /// Creates a spec.
  public init(experiments: [Experiment]) {
    self.experiments = experiments
  }

  /// Reads and checks the spec file at `path`.
  /// - Throws: ``ExperimentError/invalidSpec(path:reason:)`` when the file cannot be read or
  ///   decoded, or a name is empty, repeated or not usable as a folder name.
  public static func read(from path: String) throws -> ExperimentSpec {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ExperimentError.file(path: path, reason: "not found or not readable; check the path")
    }
    let spec: ExperimentSpec
    do {
      spec = try JSONDecoder().decode(ExperimentSpec.self, from: data)
    } catch {
      throw ExperimentError.invalidSpec(path: path, reason: "\(error)")
    }
    if let problem = spec.validationProblem() {
      throw ExperimentError.invalidSpec(path: path, reason: problem)
    }
    return spec
  }

  /// Returns the first problem with names, losses or seeds, or nil.
  public func validationProblem() -> String? {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    func badName(_ name: String) -> Bool {
      name.isEmpty || name.hasPrefix(".") || !name.allSatisfy { allowed.contains($0) }
    }
    if Set(experiments.map(\.name)).count != experiments.count {
      return "experiment names must be unique"
    }
    for experiment in experiments {
      if badName(experiment.name) {
        return "experiment name '\(experiment.name)' must be letters, digits, '-', '_' or '.'"
      }
      if experiment.losses.isEmpty || experiment.seeds.isEmpty || experiment.settings.isEmpty {
        return "experiment '\(experiment.name)' needs at least one loss, seed and setting"
      }
      if Set(experiment.settings.map(\.name)).count != experiment.settings.count {
        return "setting names of experiment '\(experiment.name)' must be unique"
      }
      for setting in experiment.settings where badName(setting.name) {
        return "setting name '\(setting.name)' must be letters, digits, '-', '_' or '.'"
      }
    }
    return nil
  }
}

/// A failure of the experiment runner or the report.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
  /// The spec file cannot be read, decoded or used.
  case invalidSpec(path: String, reason: String)

  /// A setting is missing or invalid for its experiment kind.
  case invalidSetting(experiment: String, setting: String, reason: String)

  /// A file of the output folder cannot be read or written.
  case file(path: String, reason: String)

  /// Training stopped on a signal after saving a checkpoint.
  case interrupted(signal: String)

  /// A message that names the value and what to do.
  public var description: String {
    switch self {
    case .invalidSpec(let path, let reason):
      return "spec '\(path)' is invalid: \(reason); fix the file and run again"
    case .invalidSetting(let experiment, let setting, let reason):
      return "setting '\(setting)' of experiment '\(experiment)' is invalid: \(reason)"
    case .file(let path, let reason):
      return "'\(path)': \(reason)"
    case .interrupted(let signal):
      return "stopped by \(signal) after writing a checkpoint; run the same command to resume"
    }
  }
}
