import Foundation
import Testing

@testable import SGANData

@Suite struct ImagePipelineTests {
  /// Writes a folder of JPEGs and PNGs of mixed sizes and colour types.
  private func makeImageFolder(count: Int) throws -> (ImageTestDirectory, ImportedDataset) {
    let directory = try ImageTestDirectory()
    for index in 0..<count {
      let width = 120 + (index * 7) % 60
      let height = 130 + (index * 11) % 90
      let channels = [1, 3, 3, 4][index % 4]
      let image = noiseImage(width: width, height: height, channels: channels, seed: UInt64(index))
      let name = String(format: "images/%04d", index)
      if index % 3 == 0 || channels == 4 {
        try directory.write(try encodePNG(image), to: name + ".png")
      } else {
        try directory.write(try encodeJPEG(image, quality: 90), to: name + ".jpg")
      }
    }
    let dataset = try FolderImporter.importDataset(root: directory.path + "/images")
    return (directory, dataset)
  }

  private func checksumOfRun(
    _ dataset: ImportedDataset, preparation: ImagePreparation, threads: Int
  ) throws -> (hash: UInt64, count: Int) {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    var count = 0
    try DecodePipeline(threadCount: threads, blockSize: 16).run(dataset, preparation: preparation) {
      index, outcome in
      #expect(index == count)
      guard case .pixels(let pixels) = outcome else {
        Issue.record("item \(index) was skipped")
        return
      }
      checksum(pixels, into: &hash)
      count += 1
    }
    return (hash, count)
  }

  @Test func pipelineOutputIndependentOfThreadCount() throws {
    let (directory, dataset) = try makeImageFolder(count: 40)
    _ = directory
    let preparation = ImagePreparation(
      channels: 3, crop: .centered(height: 108, width: 108), outputWidth: 64, outputHeight: 64)
    let singleThread = try checksumOfRun(dataset, preparation: preparation, threads: 1)
    let sixteenThreads = try checksumOfRun(dataset, preparation: preparation, threads: 16)
    #expect(singleThread.count == 40)
    #expect(sixteenThreads.count == 40)
    #expect(singleThread.hash == sixteenThreads.hash)
  }

  static let samplePath = "/work/shared/datasets/celeba-sample"

  @Test(.enabled(if: FileManager.default.fileExists(atPath: samplePath + "/img_align_celeba")))
  func pipelineSampleSameAcrossThreadCounts() throws {
    let dataset = try CelebAImporter.importDataset(root: Self.samplePath)
    let singleThread = try checksumOfRun(dataset, preparation: .celebA(), threads: 1)
    let sixteenThreads = try checksumOfRun(dataset, preparation: .celebA(), threads: 16)
    #expect(singleThread.count == 385)
    #expect(singleThread.hash == sixteenThreads.hash)
  }

  @Test func pipelineDeliversInInputOrder() throws {
    let items = Array(0..<1000)
    var received: [Int] = []
    try DecodePipeline(threadCount: 8, blockSize: 37).run(
      items, name: { "item \($0)" },
      makeProcess: { { item in [UInt8(item % 256), UInt8(item / 256)] } },
      consume: { index, outcome in
        #expect(outcome == .pixels([UInt8(index % 256), UInt8(index / 256)]))
        received.append(index)
      })
    #expect(received == items)
  }

  /// Writes good and bad files in one folder: corrupt, truncated, empty and an HTML page.
  private func makeFolderWithBadFiles() throws -> (ImageTestDirectory, ImportedDataset) {
    let directory = try ImageTestDirectory()
    let good = try encodeJPEG(smoothImage(width: 40, height: 40, channels: 3))
    var corrupt = good
    for i in 4..<min(120, corrupt.count) { corrupt[i] = 0x5A }
    try directory.write(good, to: "faces/a.jpg")
    try directory.write(corrupt, to: "faces/b-corrupt.jpg")
    try directory.write(Array(good.prefix(good.count / 2)), to: "faces/c-truncated.jpg")
    try directory.write([], to: "faces/d-empty.png")
    try directory.write(text: "<html><body>404</body></html>", to: "faces/e-page.jpg")
    try directory.write(good, to: "faces/f.jpg")
    return (directory, try FolderImporter.importDataset(root: directory.path + "/faces"))
  }

  @Test func pipelineSkipBadKeepsRowsAligned() throws {
    let (directory, dataset) = try makeFolderWithBadFiles()
    _ = directory
    var outcomes: [PipelineOutcome] = []
    let preparation = ImagePreparation(channels: 3, crop: .none, outputWidth: 16, outputHeight: 16)
    try DecodePipeline(threadCount: 3, blockSize: 2, skipBad: true).run(
      dataset, preparation: preparation
    ) { _, outcome in outcomes.append(outcome) }

    #expect(outcomes.count == 6)
    let skipped = outcomes.map { if case .skipped = $0 { true } else { false } }
    #expect(
      skipped == [false, true, true, true, true, false],
      "\(outcomes.map { if case .skipped(let r) = $0 { r } else { "ok" } })")
    guard case .skipped(let reason) = outcomes[4] else { return }
    #expect(reason.contains("e-page.jpg"))
    #expect(reason.contains("not a JPEG or PNG image"))
  }

  @Test func pipelineFailureNamesFirstBadItem() throws {
    let (directory, dataset) = try makeFolderWithBadFiles()
    _ = directory
    var consumed: [Int] = []
    let preparation = ImagePreparation(channels: 3, crop: .none, outputWidth: 16, outputHeight: 16)
    let error = #expect(throws: PipelineError.self) {
      try DecodePipeline(threadCount: 4, blockSize: 4).run(dataset, preparation: preparation) {
        index, _ in consumed.append(index)
      }
    }
    #expect(error?.index == 1)
    #expect(error?.name == "b-corrupt.jpg")
    #expect(consumed == [0])
    #expect(error?.underlying is ImageError)
  }

  @Test func pipelineConsumerErrorStopsRun() throws {
    struct Stop: Error {}
    var consumed = 0
    #expect(throws: Stop.self) {
      try DecodePipeline(threadCount: 2, blockSize: 8).run(
        Array(0..<100), name: { "\($0)" }, makeProcess: { { _ in [0] } },
        consume: { index, _ in
          consumed += 1
          if index == 20 { throw Stop() }
        })
    }
    #expect(consumed == 21)
  }

  @Test func pipelineCropLargerThanImageReportsFile() throws {
    let directory = try ImageTestDirectory()
    try directory.write(
      try encodeJPEG(smoothImage(width: 80, height: 90, channels: 3)), to: "small/x.jpg")
    let dataset = try FolderImporter.importDataset(root: directory.path + "/small")
    let error = #expect(throws: PipelineError.self) {
      try DecodePipeline(threadCount: 1).run(dataset, preparation: .celebA()) { _, _ in }
    }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("x.jpg"))
    #expect(message.contains("108x108"))
    #expect(message.contains("80x90"))
  }
}
