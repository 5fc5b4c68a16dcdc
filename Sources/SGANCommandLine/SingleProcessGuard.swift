import Foundation

/// Rejects a start by an MPI launcher with more than one rank, for tools that run in one
/// process: under `mpirun -np 2` each rank would do the whole job and write the same files.
///
/// - Throws: `UsageError` naming the tool when the launcher's variables show that the job has
///   several ranks.
public func requireSingleProcess(_ commandName: String) throws {
  if let ranks = MPILauncherEnvironment.rankCount, ranks > 1 {
    throw UsageError(
      "\(commandName) runs in one process, but it was started as \(ranks) MPI ranks; start it "
        + "without mpirun (only sgan-train and sgan-bench step run across ranks)",
      commandName: commandName)
  }
}
