import Foundation
import SGANCore
import SGANData
import SGANMPI
import Testing

/// A layout of ranks and threads, checked against one process with ranks x threads workers.
struct RankLayout: CustomTestStringConvertible, Sendable {
  var ranks: Int
  var threads: Int
  var batch: Int
  var loss: String

  var testDescription: String { "\(ranks) ranks x \(threads) threads, batch \(batch), \(loss)" }
}

@Suite(.serialized) struct MPIStepTests {
  static let layouts = [
    RankLayout(ranks: 2, threads: 1, batch: 16, loss: "softmax"),
    RankLayout(ranks: 2, threads: 2, batch: 16, loss: "softmax"),
    RankLayout(ranks: 2, threads: 2, batch: 7, loss: "softmax"),
    RankLayout(ranks: 2, threads: 2, batch: 16, loss: "gan"),
  ]

  @Test(arguments: layouts)
  func rankGradientsMatchOneProcess(_ layout: RankLayout) throws {
    let folder = TemporaryFolder()
    let file = folder.path + "/gradients.h5"
    let outcome = try MPILauncher.run(
      ranks: layout.ranks, tool: "sgan-mpi-check",
      [
        "--threads", "\(layout.threads)", "--batch-size", "\(layout.batch)", "--loss",
        layout.loss, "--out", file,
      ], in: folder.path)
    try #require(outcome.status == 0, "sgan-mpi-check failed: \(outcome.errors)")

    // The reference runs here, in this one process, with ranks x threads workers.
    var settings = LayoutCheck.Settings()
    settings.realCount = layout.batch
    settings.generatedCount = layout.batch
    settings.loss = layout.loss == "gan" ? .standard : .softmax
    let reference = try LayoutCheck(settings: settings).run(
      group: SingleProcessGroup(), threads: layout.ranks * layout.threads)
    let measured = try readFloatDatasets(
      path: file, group: "gradients", names: reference.map(\.name))

    for (expected, values) in zip(reference, measured) {
      let difference = relativeDifference(values, expected.values)
      #expect(difference <= 1e-5, "\(expected.name): relative difference \(difference)")
    }
  }

  @Test func sameLayoutTwiceIsBitwiseIdentical() throws {
    let folder = TemporaryFolder()
    var runs: [[[Float]]] = []
    for attempt in 0..<2 {
      let file = folder.path + "/gradients-\(attempt).h5"
      let outcome = try MPILauncher.run(
        ranks: 2, tool: "sgan-mpi-check", ["--threads", "2", "--batch-size", "7", "--out", file],
        in: folder.path)
      try #require(outcome.status == 0, "sgan-mpi-check failed: \(outcome.errors)")
      let names = LayoutCheckNames.all
      runs.append(try readFloatDatasets(path: file, group: "gradients", names: names))
    }
    #expect(runs[0] == runs[1])
  }

  @Test func checkFailsBeyondItsTolerance() throws {
    // 2 x 2 adds worker sums in another order than 1 x 4, so some tensors differ by a few
    // ulps, and a tolerance of 0 must reject them: the check can fail.
    let folder = TemporaryFolder()
    let outcome = try MPILauncher.run(
      ranks: 2, tool: "sgan-mpi-check", ["--threads", "2", "--tolerance", "0"], in: folder.path)
    #expect(outcome.status == 1)
  }
}

/// The gradient tensor names of the check's default networks.
enum LayoutCheckNames {
  static let all: [String] = {
    let results = try! LayoutCheck().run(group: SingleProcessGroup(), threads: 1)
    return results.map(\.name)
  }()
}
