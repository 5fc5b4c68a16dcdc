import Foundation

/// Rejects a start by an MPI launcher with more than one rank, for tools that run in one
/// process: under `mpirun -np 2` each rank would do the whole job and write the same files.
///
/// - Throws: `UsageError` naming the tool when Open MPI's or a PMIx launcher's variables show
///   that the job has several ranks.
public func requireSingleProcess(_ commandName: String) throws {
  let environment = ProcessInfo.processInfo.environment
  let size = environment["OMPI_COMM_WORLD_SIZE"] ?? environment["PMIX_SIZE"]
  if let size, let ranks = Int(size), ranks > 1 {
    throw UsageError(
      "\(commandName) runs in one process, but it was started as \(ranks) MPI ranks; start it "
        + "without mpirun (only sgan-train and sgan-bench step run across ranks)",
      commandName: commandName)
  }
}
