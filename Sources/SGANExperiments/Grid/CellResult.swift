import Foundation
import SGANData
import SGANTraining

/// The address of one cell of a grid: experiment, setting, loss and seed.
public struct Cell: Codable, Equatable, Hashable, Sendable {
  public var experiment: String
  public var setting: String
  public var loss: LossKind
  public var seed: UInt64

  /// Creates an address.
  public init(experiment: String, setting: String, loss: LossKind, seed: UInt64) {
    self.experiment = experiment
    self.setting = setting
    self.loss = loss
    self.seed = seed
  }

  /// Returns the cell's folder under the grid's output folder `root`:
  /// `root/EXPERIMENT/SETTING/LOSS/seed-N`.
  public func path(in root: String) -> String {
    "\(root)/\(experiment)/\(setting)/\(loss.rawValue)/seed-\(seed)"
  }

  /// A label for progress lines.
  public var label: String { "\(experiment)/\(setting)/\(loss.rawValue)/seed-\(seed)" }
}

/// The outcome of a finished cell, stored as `result.json` in the cell's folder. The file's
/// presence marks the cell as finished.
public struct CellResult: Codable, Equatable, Sendable {
  /// The cell.
  public var cell: Cell

  /// Iterations trained.
  public var iterations: Int

  /// Worker threads of the step; results depend on it only through rounding.
  public var threads: Int

  /// Wall time of training in seconds, summed over every session of the cell.
  public var trainingSeconds: Double

  /// The evaluation metrics by name (see ``MetricNames``).
  public var metrics: [String: Double]

  /// The first step of the discriminator collapse (``DiscriminatorCollapse``), or nil.
  public var collapseStep: Int?

  /// The file name of the result in a cell folder.
  public static let fileName = "result.json"

  /// Writes the result to `directory/result.json` atomically.
  public func write(toDirectory directory: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(self)
    try writeAtomically(data, to: directory + "/" + CellResult.fileName)
  }

  /// Reads the result in `directory`, or returns nil when the cell has none.
  public static func read(fromDirectory directory: String) throws -> CellResult? {
    let path = directory + "/" + fileName
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    do {
      return try JSONDecoder().decode(
        CellResult.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw ExperimentError.file(
        path: path, reason: "not a valid result (\(error)); delete it to rerun the cell")
    }
  }
}

/// The metric names a result may hold, in the order the report lists them.
public enum MetricNames {
  public static let modesCovered = "modes_covered"
  public static let highQualityShare = "high_quality_share"
  public static let modeKullbackLeibler = "mode_kl"
  public static let classKullbackLeibler = "class_kl"
  public static let classesCovered = "classes_covered"
  public static let frechetDistance = "frechet_distance"
  public static let meanPairwiseDistance = "mean_pairwise_distance"
  public static let realMeanPairwiseDistance = "real_mean_pairwise_distance"
  public static let finalDiscriminatorLoss = "final_loss_d"

  /// Every name in report order.
  public static let all = [
    modesCovered, highQualityShare, modeKullbackLeibler, classKullbackLeibler, classesCovered,
    frechetDistance, meanPairwiseDistance, realMeanPairwiseDistance, finalDiscriminatorLoss,
  ]
}

/// Writes `data` to `path` through a temporary file and a rename, so readers never see a
/// partial file.
func writeAtomically(_ data: Data, to path: String) throws {
  let output = try AtomicOutputFile(path: path)
  do {
    try data.write(to: URL(fileURLWithPath: output.temporaryPath))
    try output.commit()
  } catch {
    output.abandon()
    throw error
  }
}
