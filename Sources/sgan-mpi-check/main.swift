import Foundation
import SGANCommandLine
import SGANCore
import SGANData
import SGANMPI

let command = Command(
  name: "sgan-mpi-check",
  summary: "Checks that P MPI ranks of T threads compute the gradients of 1 process of P*T "
    + "threads.",
  discussion: """
    Every rank runs one discriminator step and one generator step of a small DCGAN (32x32,
    1 channel, 8 filters) on a fixed synthetic batch, combining through MPI as sgan-train
    does. Rank 0 then runs the same steps alone with P*T worker threads and prints, for
    each gradient tensor, the relative difference ||g - g_1|| / ||g_1||. The exit status is
    1 when any difference exceeds --tolerance. Run it once on a new cluster or build before
    long jobs. Without mpirun it compares T threads with T threads.

    Examples:
      mpirun -np 2 sgan-mpi-check --threads 2
      mpirun -np 4 --hostfile hosts sgan-mpi-check --out gradients.h5
    """,
  options: [
    .value("threads", "N", "Worker threads per rank.", default: "1"),
    .value("batch-size", "N", "Real images per step; generated images are as many.", default: "16"),
    .value("loss", "NAME", "softmax (Softmax GAN) or gan (standard GAN loss).", default: "softmax"),
    .value("tolerance", "X", "Largest relative difference accepted.", default: "1e-5"),
    .value(
      "out", "FILE.h5",
      "Write the layout's gradients (rank 0's copy), one float32 dataset per tensor in its "
        + "PyTorch shape under /gradients."),
    .flag("overwrite", "Replace the --out file if it exists."),
  ])

/// The check found a tensor further from one process than the tolerance allows.
struct GradientMismatch: Error, CustomStringConvertible {
  var names: [String]
  var tolerance: Double

  var description: String {
    "\(names.count) gradient tensor(s) differ from one process by more than \(tolerance): "
      + names.joined(separator: ", ")
  }
}

runToolOnRanks("sgan-mpi-check") { group in
  let arguments = try command.parse(Array(CommandLine.arguments.dropFirst()))
  let threads = try arguments.int("threads", default: 1, range: 1...4096)!
  var settings = LayoutCheck.Settings()
  settings.realCount = try arguments.int("batch-size", default: 16, range: 1...4096)!
  settings.generatedCount = settings.realCount
  let loss = try arguments.choice("loss", ["softmax", "gan"], default: "softmax")!
  settings.loss = loss == "softmax" ? .softmax : .standard
  let tolerance = try arguments.double("tolerance", default: 1e-5, range: 0...1)!
  let output = arguments.string("out")
  if let output, !arguments.flag("overwrite"), FileManager.default.fileExists(atPath: output) {
    throw UsageError(
      "--out '\(output)' already exists; choose another path or pass --overwrite",
      commandName: command.name)
  }
  if settings.realCount < group.size {
    throw UsageError(
      "--batch-size \(settings.realCount) is smaller than the \(group.size) ranks; "
        + "each rank needs at least one sample", commandName: command.name)
  }

  Console.info(
    "\(group.size) rank(s) x \(threads) thread(s) against 1 process x \(group.size * threads) "
      + "threads, batch \(settings.realCount) + \(settings.generatedCount), \(loss) loss")
  let results = try LayoutCheck(settings: settings).run(group: group, threads: threads)

  try group.collectively {
    guard group.rank == 0 else { return }
    let width = results.map(\.name.count).max() ?? 0
    for result in results {
      let padding = String(repeating: " ", count: width - result.name.count)
      Console.info(
        result.name + padding + String(format: "  %.3e", result.relativeDifference!))
    }
    if let output {
      try HDF5File.writeAtomically(to: output) { file in
        let gradients = try file.createGroup("gradients")
        for result in results {
          let dataset = try gradients.createDataset(
            result.name, of: Float.self, shape: result.dimensions)
          try dataset.write(result.values)
        }
        try file.writeAttribute("ranks", Int64(group.size))
        try file.writeAttribute("threads", Int64(threads))
      }
      Console.info("wrote the gradients to '\(output)'")
    }
    let failing = results.filter { !($0.relativeDifference! <= tolerance) }.map(\.name)
    if !failing.isEmpty {
      throw GradientMismatch(names: failing, tolerance: tolerance)
    }
    let largest = results.map { $0.relativeDifference! }.max() ?? 0
    Console.info(String(format: "largest relative difference %.3e, within %.0e", largest, tolerance))
  }
}
