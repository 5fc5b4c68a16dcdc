import Dispatch
import Foundation
import Testing

@testable import SGANData

/// Measures how many images per second `BatchReader` delivers at 64x64x3, batch 64, from
/// memory and from the file. Runs only when `SGAN_MEASURE_READER` is set, because it writes a
/// file of `SGAN_MEASURE_IMAGES` images (16,384 by default, 201 MB before compression):
///
///     SGAN_MEASURE_READER=1 swift test -c release -Xswiftc -enable-testing \
///       --filter BatchReaderThroughputTests
///
/// It prints one line per case. It checks only that every epoch delivers whole batches of
/// distinct rows, because the numbers describe the machine as much as the reader.
@Suite(
  .serialized, .enabled(if: ProcessInfo.processInfo.environment["SGAN_MEASURE_READER"] != nil))
struct BatchReaderThroughputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let imagesPerChunk: Int?
    let deflateLevel: Int
    /// The HDF5 chunk cache for reads from the file, or `nil` to read from memory. A cache of
    /// 0 models a file much larger than any cache, such as CelebA's 2.5 GB.
    let chunkCacheBytes: Int?
    var testDescription: String {
      let source = chunkCacheBytes.map { "from file, chunk cache \($0 >> 20) MiB" } ?? "in memory"
      return "\(imagesPerChunk.map { "\($0)" } ?? "default") images/chunk, "
        + "deflate \(deflateLevel), \(source)"
    }
  }

  static let cases = [
    Case(imagesPerChunk: nil, deflateLevel: 4, chunkCacheBytes: nil),
    Case(imagesPerChunk: nil, deflateLevel: 4, chunkCacheBytes: 0),
    Case(imagesPerChunk: nil, deflateLevel: 4, chunkCacheBytes: 32 << 20),
    Case(imagesPerChunk: nil, deflateLevel: 0, chunkCacheBytes: 0),
    Case(imagesPerChunk: 16, deflateLevel: 4, chunkCacheBytes: 0),
    Case(imagesPerChunk: 85, deflateLevel: 4, chunkCacheBytes: 0),
  ]

  @Test(arguments: cases)
  func readerThroughputAt64x64(testCase: Case) throws {
    let environment = ProcessInfo.processInfo.environment
    let count = environment["SGAN_MEASURE_IMAGES"].flatMap { Int($0) } ?? 16_384
    let shape = PackedImageShape(height: 64, width: 64, channels: 3)
    let batchSize = 64
    let directory = TemporaryDirectory()
    let path = directory.file("throughput.h5")

    let writeStart = DispatchTime.now().uptimeNanoseconds
    try writePhotoLikeImages(
      path: path, count: count, shape: shape, imagesPerChunk: testCase.imagesPerChunk,
      deflateLevel: testCase.deflateLevel)
    let writeSeconds = seconds(since: writeStart)
    let fileBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0

    let openStart = DispatchTime.now().uptimeNanoseconds
    let reader = try BatchReader(
      path: path, split: .all, batchSize: batchSize, seed: 1,
      cacheLimitBytes: testCase.chunkCacheBytes == nil ? BatchReader.defaultCacheLimitBytes : 0,
      chunkCacheBytes: testCase.chunkCacheBytes ?? 0)
    var buffer = [Float](repeating: 0, count: reader.batchElementCount)
    var rows = [Int](repeating: 0, count: batchSize)
    var epochRows = Set<Int>()
    /// Reads one batch and checks that its rows are new in its epoch.
    func readBatch() throws -> BatchReader.BatchInfo {
      let info = try buffer.withUnsafeMutableBufferPointer { pixels in
        try rows.withUnsafeMutableBufferPointer { try reader.nextBatch(into: pixels, rows: $0) }
      }
      if info.position.batch == 0 { epochRows.removeAll() }
      epochRows.formUnion(rows)
      #expect(epochRows.count == (info.position.batch + 1) * batchSize)
      return info
    }

    // The first batch includes loading the cache; it is timed apart.
    _ = try readBatch()
    let firstBatchSeconds = seconds(since: openStart)

    let batches = 2 * reader.batchesPerEpoch
    var totalWait = 0.0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<batches {
      totalWait += try readBatch().waitTime
    }
    let elapsed = seconds(since: start)

    let rate = Double(batches * batchSize) / elapsed
    print(
      "reader \(testCase.testDescription): \(Int(rate)) images/s over \(batches) batches, "
        + "mean wait \(String(format: "%.2f", 1000 * totalWait / Double(batches))) ms/batch, "
        + "first batch \(String(format: "%.2f", firstBatchSeconds)) s; file \(count) images, "
        + "\(fileBytes >> 20) MiB, \(reader.batchesPerEpoch) batches/epoch, "
        + "written in \(String(format: "%.1f", writeSeconds)) s")
  }

  func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Writes images that compress about as well as photographs: smooth gradients with a few
  /// low bits of noise per pixel.
  func writePhotoLikeImages(
    path: String, count: Int, shape: PackedImageShape, imagesPerChunk: Int?, deflateLevel: Int
  ) throws {
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "folder",
      preprocessing: Preprocessing(
        outputHeight: shape.height, outputWidth: shape.width, filter: "none"),
      attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false,
      deflateLevel: deflateLevel, imagesPerChunk: imagesPerChunk)
    var generator = SplitMix64(seed: 2024)
    var pixels = [UInt8](repeating: 0, count: shape.byteCount)
    for row in 0..<count {
      let base = Int(generator.next() % 128)
      for h in 0..<shape.height {
        for w in 0..<shape.width {
          for c in 0..<shape.channels {
            let noise = Int(generator.next() & 15)
            pixels[(h * shape.width + w) * shape.channels + c] = UInt8(
              truncatingIfNeeded: base + h + w + 20 * c + noise)
          }
        }
      }
      try writer.append(PackedRow(pixels: pixels, filename: "\(row).png"))
    }
    _ = try writer.finish()
  }
}
