import Foundation

/// The variables an MPI launcher sets for the processes it starts, read in one place.
///
/// Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE` and `OMPI_COMM_WORLD_LOCAL_SIZE`; a
/// PMIx-based launcher, such as Slurm's `srun --mpi=pmix`, sets `PMIX_RANK`.
public enum MPILauncherEnvironment {
  /// Whether an MPI launcher started this process.
  public static var isPresent: Bool {
    let environment = ProcessInfo.processInfo.environment
    return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
  }

  /// The number of ranks in the job, when the launcher states it; nil otherwise.
  public static var rankCount: Int? {
    ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) }
  }

  /// The number of ranks on this machine, when the launcher states it; nil otherwise.
  public static var localRankCount: Int? {
    ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) }
  }
}
