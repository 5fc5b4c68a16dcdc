import Foundation
import SGANData

/// Runs this package's tools under `mpirun`, as a user would on one machine.
///
/// The tools are found next to the test executable, in the build's products folder. Open MPI
/// rejects a start as root unless two environment variables allow it, and CI runs as root.
/// `--oversubscribe` lets 2 ranks of 2 threads run on a 2-core machine.
enum MPILauncher {
  /// The folder that contains the built executables.
  static let productsFolder: String = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    // On Linux the test runner is `<products>/SoftmaxGANPackageTests.xctest`.
    while !FileManager.default.fileExists(atPath: folder.path + "/sgan-train")
      && folder.path != "/"
    {
      folder = folder.deletingLastPathComponent()
    }
    return folder.path
  }()

  /// What a finished launch printed and returned.
  struct Outcome {
    var status: Int32
    var output: String
    var errors: String
    var seconds: Double
  }

  /// Returns the arguments that start `ranks` ranks of `tool` with `arguments`.
  static func mpirunArguments(ranks: Int, tool: String, _ arguments: [String]) -> [String] {
    [
      "--oversubscribe", "--bind-to", "none", "--mca", "btl_vader_single_copy_mechanism", "none",
      "-np", "\(ranks)",
      productsFolder + "/" + tool,
    ] + arguments
  }

  /// Returns the arguments that start one rank of `tool` per entry of `argumentsPerRank`,
  /// each with its own arguments (mpirun's colon-separated form).
  static func mpirunArguments(tool: String, argumentsPerRank: [[String]]) -> [String] {
    var result = [
      "--oversubscribe", "--bind-to", "none", "--mca", "btl_vader_single_copy_mechanism", "none",
    ]
    for (index, arguments) in argumentsPerRank.enumerated() {
      if index > 0 {
        result.append(":")
      }
      result += ["-np", "1", productsFolder + "/" + tool] + arguments
    }
    return result
  }

  /// Starts `mpirun` without waiting; standard output and error go to the given files.
  static func start(
    ranks: Int, tool: String, _ arguments: [String], output: String, errors: String
  ) throws -> Process {
    try start(
      mpirunArguments: mpirunArguments(ranks: ranks, tool: tool, arguments), output: output,
      errors: errors)
  }

  /// Starts `mpirun` with `mpirunArguments` without waiting.
  static func start(mpirunArguments: [String], output: String, errors: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try mpirunPath())
    process.arguments = mpirunArguments
    var environment = ProcessInfo.processInfo.environment
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    process.environment = environment
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    _ = FileManager.default.createFile(atPath: errors, contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: output)
    process.standardError = FileHandle(forWritingAtPath: errors)

    // The test runner's threads block most signals, and a child inherits the mask of the
    // thread that starts it: unblocked here, so that mpirun receives what the tests send it.
    var unblocked = sigset_t()
    var previous = sigset_t()
    sigemptyset(&unblocked)
    pthread_sigmask(SIG_SETMASK, &unblocked, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    try process.run()
    return process
  }

  /// Runs `tool` on `ranks` ranks to the end, at most `timeout` seconds.
  static func run(
    ranks: Int, tool: String, _ arguments: [String], in folder: String, timeout: Double = 300
  ) throws -> Outcome {
    try run(
      mpirunArguments: mpirunArguments(ranks: ranks, tool: tool, arguments), in: folder,
      timeout: timeout)
  }

  /// Runs `mpirun` with `mpirunArguments` to the end, at most `timeout` seconds.
  static func run(mpirunArguments: [String], in folder: String, timeout: Double = 300) throws
    -> Outcome
  {
    let output = folder + "/mpirun-\(UUID().uuidString).out"
    let errors = folder + "/mpirun-\(UUID().uuidString).err"
    let start = Date()
    let process = try Self.start(
      mpirunArguments: mpirunArguments, output: output, errors: errors)
    let finished = waitForExit(process, timeout: timeout)
    if !finished {
      process.terminate()
      process.waitUntilExit()
    }
    return Outcome(
      status: finished ? process.terminationStatus : -1,
      output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
      errors: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "",
      seconds: Date().timeIntervalSince(start))
  }

  /// Waits for `process` to end; returns false if `timeout` seconds pass first.
  static func waitForExit(_ process: Process, timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
      if Date() > deadline { return false }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return true
  }

  /// Returns the path of `mpirun` on `PATH`.
  static func mpirunPath() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":").map(String.init) + ["/usr/bin"] {
      let candidate = folder + "/mpirun"
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
      }
    }
    throw LauncherError.mpirunMissing
  }

  enum LauncherError: Error, CustomStringConvertible {
    case mpirunMissing

    var description: String {
      "mpirun is not on PATH; install Open MPI (apt-get install openmpi-bin libopenmpi-dev)"
    }
  }
}

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "sgan-mpi-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Reads every float32 dataset in group `name` of the HDF5 file at `path`, by dataset name.
func readFloatDatasets(path: String, group name: String, names: [String]) throws -> [[Float]] {
  let group = try HDF5File.open(path: path).openGroup(name)
  return try names.map { try group.openDataset($0).read(as: Float.self) }
}
