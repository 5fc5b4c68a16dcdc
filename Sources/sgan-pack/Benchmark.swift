import Foundation
import SGANCommandLine
import SGANData

/// Runs `sgan-pack bench` and prints one row per thread count.
func runBenchmark(_ arguments: ParsedArguments) throws {
  let folder = arguments.positional(0)!
  let threadCounts = try arguments.intList("threads", default: [1, cores], range: 1...1024)!
  let size = try arguments.int("size", default: 64, range: 4...4096)!
  let seconds = try arguments.double("seconds", default: 2, range: 0.1...600)!

  let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }
    .sorted()
  guard !names.isEmpty else {
    throw UsageError("'\(folder)' holds no .jpg files to measure", commandName: arguments.commandName)
  }

  let files = names.map { folder + "/" + $0 }
  Console.info("\(files.count) JPEG files from '\(folder)', CelebA preparation to \(size)x\(size)")
  Console.info("threads  decode img/s  prepare img/s  cost ratio")
  let rows = try DecodeBenchmark.run(
    files: files, threadCounts: threadCounts, preparation: .celebA(size: size),
    minimumSeconds: seconds)
  for row in rows {
    Console.info(
      String(
        format: "%7d  %12.0f  %13.0f  %10.2f", row.threadCount, row.decodeImagesPerSecond,
        row.fullImagesPerSecond, row.costRatio))
  }
}
