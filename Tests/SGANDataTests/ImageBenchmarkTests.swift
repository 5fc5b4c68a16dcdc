import Foundation
import Testing

@testable import SGANData

/// Runs the decode benchmark on the CelebA sample and prints its table.
/// Enabled only with SGAN_RUN_BENCHMARK=1, because it takes several seconds
/// per thread count and its numbers depend on the machine.
@Suite struct ImageBenchmarkTests {
  static let samplePath = "/work/shared/datasets/celeba-sample"

  static var enabled: Bool {
    ProcessInfo.processInfo.environment["SGAN_RUN_BENCHMARK"] == "1"
      && FileManager.default.fileExists(atPath: samplePath + "/img_align_celeba")
  }

  @Test(.enabled(if: enabled))
  func imageBenchmarkReportsEveryThreadCount() throws {
    let dataset = try CelebAImporter.importDataset(root: Self.samplePath)
    let files = dataset.items.compactMap { item -> String? in
      if case .file(let path) = item.source { return path }
      return nil
    }
    let environment = ProcessInfo.processInfo.environment
    let threadCounts = (environment["SGAN_BENCHMARK_THREADS"] ?? "1,2")
      .split(separator: ",").compactMap { Int($0) }
    let rows = try DecodeBenchmark.run(
      files: files, threadCounts: threadCounts, preparation: .celebA(), minimumSeconds: 2)

    print("threads  images  decode img/s  full img/s  wall ratio  CPU ratio")
    for row in rows {
      print(
        String(
          format: "%7d  %6d  %12.0f  %10.0f  %10.3f  %9.3f", row.threadCount, row.imageCount,
          row.decodeImagesPerSecond, row.fullImagesPerSecond, row.costRatio, row.cpuCostRatio))
    }
    #expect(rows.map(\.threadCount) == threadCounts)
    #expect(rows.allSatisfy { $0.imageCount >= files.count })
  }
}
