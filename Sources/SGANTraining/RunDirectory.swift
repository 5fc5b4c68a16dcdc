import Foundation

/// The files of one run: `config.json`, `log.csv`, `checkpoint.h5` and `samples/`.
public struct RunDirectory: Sendable {
  /// The run folder.
  public let path: String

  /// Creates the description of the run folder at `path`; nothing is created on disk.
  public init(path: String) {
    self.path = path
  }

  public var configurationPath: String { path + "/config.json" }
  public var logPath: String { path + "/log.csv" }
  public var checkpointPath: String { path + "/checkpoint.h5" }
  public var samplesPath: String { path + "/samples" }

  /// The path of the sample grid written after `iteration`, `samples/step-NNNNNN.png`.
  public func samplePath(iteration: Int) -> String {
    samplesPath + "/" + String(format: "step-%06d.png", iteration)
  }

  /// Creates the run folder and its `samples` folder.
  /// - Throws: `TrainingError.io` naming the folder when it cannot be created.
  public func create() throws {
    do {
      try FileManager.default.createDirectory(
        atPath: samplesPath, withIntermediateDirectories: true)
    } catch {
      var isFolder: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      let reason =
        exists && !isFolder.boolValue
        ? "is a file, not a folder; choose another --out"
        : "cannot create the run folder; check that its parent exists and is writable"
      throw TrainingError.io(path: path, reason: reason)
    }
  }

  /// Removes the files of an earlier run (config, log, checkpoint, samples) so that a new run
  /// starts clean; other files in the folder stay.
  public func removeRun() throws {
    let manager = FileManager.default
    for path in [configurationPath, logPath, checkpointPath, samplesPath]
    where manager.fileExists(atPath: path) {
      do {
        try manager.removeItem(atPath: path)
      } catch {
        throw TrainingError.io(path: path, reason: "cannot remove the earlier run's file")
      }
    }
  }

  /// Whether the folder already holds a run (a `config.json` or a checkpoint).
  public var holdsRun: Bool {
    FileManager.default.fileExists(atPath: configurationPath)
      || FileManager.default.fileExists(atPath: checkpointPath)
  }
}

/// What `config.json` stores: every setting, the dataset's identity, and versions.
public struct RunRecord: Codable, Equatable, Sendable {
  /// The settings of the run.
  public var configuration: TrainingConfiguration

  /// The dataset's stored content checksum (CRC-32 of `/images`, hexadecimal).
  public var datasetChecksum: String?

  /// The dataset's image shape, `[H, W, C]`.
  public var imageShape: [Int]

  /// The number of images in the selected split.
  public var splitCount: Int

  /// The tool version that started the run.
  public var toolVersion: String

  /// The number of processes (MPI ranks) of the run's latest session, each running
  /// `configuration.threads` workers; nil in records written before processes existed.
  public var processes: Int?

  /// Encodes the record as pretty-printed JSON with sorted keys.
  public func encoded() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// Reads a record from `path`.
  /// - Throws: `TrainingError.io` naming the file when it is missing or not a valid record.
  public static func read(from path: String) throws -> RunRecord {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TrainingError.io(path: path, reason: "cannot read the run's configuration")
    }
    do {
      return try JSONDecoder().decode(RunRecord.self, from: data)
    } catch {
      throw TrainingError.io(path: path, reason: "not a valid run configuration: \(error)")
    }
  }

  /// Writes the record to `path` through a temporary file, so a reader never sees half of it.
  public func write(to path: String) throws {
    let text = try encoded() + "\n"
    let temporary = path + ".partial"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else {
      throw TrainingError.io(path: path, reason: "cannot write the run's configuration")
    }
    guard rename(temporary, path) == 0 else {
      throw TrainingError.io(path: path, reason: "cannot rename '\(temporary)' into place")
    }
  }
}
