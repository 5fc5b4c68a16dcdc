import Foundation
import SGANCommandLine
import SGANCore

/// The way this process was started: alone, or as one rank of an MPI job.
public enum MPILaunch {
  /// Whether an MPI launcher (Open MPI's `mpirun`, or a PMIx-based one such as Slurm's
  /// `srun --mpi=pmix`) started this process, read from the variables it sets. A plain
  /// start runs without MPI, exactly as a tool built without it would.
  public static var isActive: Bool { MPILauncherEnvironment.isPresent }
}

/// Runs a tool's body on every rank of an MPI job, or alone when no launcher started it.
///
/// Alone, it is ``runTool(_:_:)`` with a ``SingleProcessGroup``. Under MPI, every rank runs
/// `body` with the job's ``MPIProcessGroup``; rank 0 prints progress and the others print only
/// their own errors. How a failure ends the job depends on whether every rank saw it:
///
/// - An error that every rank raises at the same point (a ``ProcessGroupFailure``, a usage
///   error, or one that `isRaisedOnEveryRank` accepts, such as a stop by signal) is printed
///   once, by rank 0; every rank then leaves MPI normally and exits with the tool's status.
/// - Any other error is this rank's alone: it prints `NAME: error: rank R: MESSAGE` and
///   calls `MPI_Abort`, so `mpirun` stops the other ranks instead of leaving them waiting.
public func runToolOnRanks(
  _ name: String, timeoutSeconds: Double = 300,
  isRaisedOnEveryRank: @escaping (Error) -> Bool = { _ in false },
  _ body: (ProcessGroup) throws -> Void
) -> Never {
  guard MPILaunch.isActive else {
    runTool(name) { try body(SingleProcessGroup()) }
  }

  let group = MPIProcessGroup(timeoutSeconds: timeoutSeconds)
  group.toolName = name
  if group.rank != 0 {
    Console.isQuiet = true
  }
  do {
    try body(group)
    Console.flush()
    group.finish()
    exit(ExitStatus.success.rawValue)
  } catch let help as HelpRequest {
    if group.rank == 0 {
      print(help.text)
    }
    group.finish()
    exit(ExitStatus.success.rawValue)
  } catch let usage as UsageError {
    if group.rank == 0 {
      Console.error("\(name): error: \(usage.message)")
      Console.error("Run '\(usage.commandName) --help' for usage.")
    }
    group.finish()
    exit(ExitStatus.usage.rawValue)
  } catch {
    if error is ProcessGroupFailure || isRaisedOnEveryRank(error) {
      if group.rank == 0 {
        Console.error("\(name): error: \(describeError(error))")
      }
      group.finish()
      exit(ExitStatus.failure.rawValue)
    }
    Console.error("\(name): error: rank \(group.rank): \(describeError(error))")
    group.abort(status: ExitStatus.failure.rawValue)
  }
}
