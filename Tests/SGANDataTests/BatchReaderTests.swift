import Foundation
import Testing

@testable import SGANData

@Suite struct BatchReaderTests {
  let directory = TemporaryDirectory()
  let shape = PackedImageShape(height: 3, width: 4, channels: 2)

  /// Writes a fixture of `count` images with partitions and returns its path.
  func fixture(count: Int, partition: Bool = true, imagesPerChunk: Int = 5) throws -> String {
    let path = directory.file("reader-\(count)-\(partition).h5")
    if !FileManager.default.fileExists(atPath: path) {
      try PackedDatasetFixture.write(
        path: path, count: count, shape: shape, partition: partition,
        imagesPerChunk: imagesPerChunk)
    }
    return path
  }

  /// Reads `batches` batches and returns the file rows of each.
  func readRows(_ reader: BatchReader, batches: Int) throws -> [[Int]] {
    var buffer = [Float](repeating: 0, count: reader.batchElementCount)
    var rows = [Int](repeating: -1, count: reader.batchSize)
    var result: [[Int]] = []
    for _ in 0..<batches {
      try buffer.withUnsafeMutableBufferPointer { pixels in
        try rows.withUnsafeMutableBufferPointer { rows in
          _ = try reader.nextBatch(into: pixels, rows: rows)
        }
      }
      result.append(rows)
    }
    return result
  }

  @Test func sameSeedAndEpochGiveSameOrder() throws {
    let path = try fixture(count: 40)
    let first = try BatchReader(path: path, split: .all, batchSize: 8, seed: 7)
    let second = try BatchReader(path: path, split: .all, batchSize: 8, seed: 7)
    #expect(try readRows(first, batches: 10) == readRows(second, batches: 10))
  }

  @Test func differentEpochOrSeedGivesDifferentOrder() throws {
    let path = try fixture(count: 40)
    let reader = try BatchReader(path: path, split: .all, batchSize: 8, seed: 7)
    let epochs = try readRows(reader, batches: 10)
    #expect(Array(epochs[0..<5]) != Array(epochs[5..<10]))

    let otherSeed = try BatchReader(path: path, split: .all, batchSize: 8, seed: 8)
    #expect(try readRows(otherSeed, batches: 5) != Array(epochs[0..<5]))
  }

  @Test func everyRowAppearsOncePerEpoch() throws {
    let path = try fixture(count: 40)
    let reader = try BatchReader(path: path, split: .all, batchSize: 8, seed: 3)
    #expect(reader.batchesPerEpoch == 5)
    for epoch in 0..<3 {
      let rows = try readRows(reader, batches: 5).flatMap { $0 }
      #expect(rows.sorted() == Array(0..<40), "epoch \(epoch)")
    }
  }

  @Test func incompleteLastBatchIsDropped() throws {
    let path = try fixture(count: 43)
    let reader = try BatchReader(path: path, split: .all, batchSize: 8, seed: 3)
    #expect(reader.batchesPerEpoch == 5)

    let epoch = try readRows(reader, batches: 5).flatMap { $0 }
    #expect(Set(epoch).count == 40)
    #expect(epoch.allSatisfy { (0..<43).contains($0) })
    #expect(reader.position == BatchPosition(epoch: 1, batch: 0))
  }

  @Test func positionRestoreResumesIdenticalSequence() throws {
    let path = try fixture(count: 40)
    let reader = try BatchReader(path: path, split: .all, batchSize: 8, seed: 11)
    _ = try readRows(reader, batches: 7)
    let saved = reader.position
    #expect(saved == BatchPosition(epoch: 1, batch: 2))
    let continued = try readRows(reader, batches: 9)

    let resumed = try BatchReader(path: path, split: .all, batchSize: 8, seed: 11, start: saved)
    #expect(try readRows(resumed, batches: 9) == continued)

    reader.seek(to: saved)
    #expect(try readRows(reader, batches: 9) == continued)
  }

  @Test func pixelsMatchRowsInBatchLayout() throws {
    let path = try fixture(count: 24)
    let reader = try BatchReader(
      path: path, split: .all, batchSize: 6, seed: 5, scaling: .zeroToOne)
    let (height, width, channels) = (shape.height, shape.width, shape.channels)

    try reader.withNextBatch { batch in
      for (n, row) in batch.rows.enumerated() {
        for c in 0..<channels {
          for h in 0..<height {
            for w in 0..<width {
              let stored = PackedDatasetFixture.pixel(
                row: row, index: (h * width + w) * channels + c)
              let value = batch.pixels[((n * channels + c) * height + h) * width + w]
              #expect(value == Float(stored) / 256, "n \(n) c \(c) h \(h) w \(w)")
            }
          }
        }
      }
    }
  }

  struct ScalingCase: CustomTestStringConvertible, Sendable {
    let scaling: PixelScaling
    let expected: [Float]
    var testDescription: String { "\(scaling)" }
  }

  /// Pixel bytes 0, 51, 128 and 255, and what each scaling makes of them.
  static let knownBytes: [UInt8] = [0, 51, 128, 255]
  static let scalingCases = [
    ScalingCase(scaling: .minusOneToOne, expected: [-1, -0.6, 0.003_921_569, 1]),
    ScalingCase(scaling: .zeroToOne, expected: [0, 0.199_218_75, 0.5, 0.996_093_75]),
  ]

  @Test(arguments: scalingCases)
  func scalingMapsKnownPixels(testCase: ScalingCase) throws {
    // One 2x2 single-channel image per row, all holding the known bytes in order.
    let path = directory.file("known-\(testCase.scaling.rawValue).h5")
    let shape = PackedImageShape(height: 2, width: 2, channels: 1)
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "folder",
      preprocessing: Preprocessing(outputHeight: 2, outputWidth: 2, filter: "none"),
      attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
    for row in 0..<4 {
      try writer.append(PackedRow(pixels: Self.knownBytes, filename: "\(row)"))
    }
    _ = try writer.finish()

    let reader = try BatchReader(
      path: path, split: .all, batchSize: 2, seed: 1, scaling: testCase.scaling)
    var pixels = [Float](repeating: .nan, count: reader.batchElementCount)
    try pixels.withUnsafeMutableBufferPointer { _ = try reader.nextBatch(into: $0) }
    #expect(Array(pixels[0..<4]) == testCase.expected)
    #expect(Array(pixels[4..<8]) == testCase.expected)
  }

  @Test(arguments: [DatasetSplit.train, .validation, .test])
  func splitSelectsOnlyItsRows(split: DatasetSplit) throws {
    let path = try fixture(count: 48)
    let reader = try BatchReader(path: path, split: split, batchSize: 4, seed: 2)
    let expectedRows = (0..<48).filter {
      PackedDatasetFixture.partition(row: $0) == split.partition
    }
    #expect(reader.splitCount == expectedRows.count)

    let rows = try readRows(reader, batches: reader.batchesPerEpoch).flatMap { $0 }
    #expect(rows.sorted() == expectedRows)
  }

  @Test func cachedAndStreamedReadsAgree() throws {
    let path = try fixture(count: 40, imagesPerChunk: 3)
    let cached = try BatchReader(path: path, split: .train, batchSize: 5, seed: 9)
    let streamed = try BatchReader(
      path: path, split: .train, batchSize: 5, seed: 9, cacheLimitBytes: 0)
    #expect(cached.cachesImages)
    #expect(!streamed.cachesImages)

    for _ in 0..<(2 * cached.batchesPerEpoch) {
      let fromCache = try cached.withNextBatch { Array($0.pixels) }
      let fromFile = try streamed.withNextBatch { Array($0.pixels) }
      #expect(fromCache == fromFile)
    }
  }

  @Test func splitWithoutPartitionRejected() throws {
    let path = try fixture(count: 12, partition: false)
    #expect(throws: PackedDatasetError.noPartition(path: path, split: .train)) {
      _ = try BatchReader(path: path, split: .train, batchSize: 4, seed: 1)
    }
    let reader = try BatchReader(path: path, split: .all, batchSize: 4, seed: 1)
    #expect(reader.splitCount == 12)
  }

  @Test func splitSmallerThanBatchRejected() throws {
    let path = try fixture(count: 12)
    #expect(
      throws: PackedDatasetError.splitTooSmall(path: path, split: .test, count: 3, batchSize: 4)
    ) {
      _ = try BatchReader(path: path, split: .test, batchSize: 4, seed: 1)
    }
  }

  @Test func unsupportedVersionRejected() throws {
    let path = try fixture(count: 12)
    try HDF5File.open(path: path, mode: .readWrite).writeAttribute("format_version", Int64(3))
    #expect(throws: PackedDatasetError.unsupportedVersion(path: path, found: 3)) {
      _ = try BatchReader(path: path, split: .all, batchSize: 4, seed: 1)
    }
  }

  @Test func epochOrderIsPermutationForEachSeed() {
    for seed: UInt64 in [0, 1, 42, .max] {
      for count in [1, 2, 7, 100] {
        let order = EpochOrder.permutation(count: count, seed: seed, epoch: 3)
        #expect(order.sorted() == Array(0..<count), "seed \(seed) count \(count)")
      }
    }
  }

  @Test func splitMixMatchesReferenceOutputs() {
    // The first outputs of the reference splitmix64.c from state 0.
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(generator.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func splitMixIndexStaysBelowBound() {
    var generator = SplitMix64(seed: 99)
    var seen = Set<Int>()
    for _ in 0..<1000 {
      let index = generator.nextIndex(below: 5)
      #expect((0..<5).contains(index))
      seen.insert(index)
    }
    #expect(seen.count == 5)
  }
}
