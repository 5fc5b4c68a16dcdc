import Foundation
import Testing

@testable import SGANData

@Suite struct PackedDatasetWriterTests {
  let directory = TemporaryDirectory()
  let shape = PackedImageShape(height: 4, width: 5, channels: 3)

  @Test func writerRoundTripsRowsAndMetadata() throws {
    let path = directory.file("full.h5")
    let count = 10
    let skipped = [
      SkippedFile(filename: "broken.jpg", reason: "not a JPEG"),
      SkippedFile(filename: "tiny.png", reason: "smaller than the crop"),
    ]
    let summary = try PackedDatasetFixture.write(
      path: path, count: count, shape: shape, partition: true, labels: true, identities: true,
      attributes: true, imagesPerChunk: 3, skipped: skipped)

    let dataset = try PackedDataset(path: path)
    #expect(dataset.count == count)
    #expect(dataset.shape == shape)
    #expect(dataset.formatVersion == 1)
    #expect(dataset.sourceKind == "folder")
    #expect(dataset.imagesPerChunk == 3)
    #expect(dataset.toolName == "fixture")
    #expect(dataset.toolVersion == "9.9")
    #expect(dataset.createdAt == summary.createdAt)
    #expect(
      dataset.preprocessing
        == Preprocessing(
          cropTop: 1, cropLeft: 2, cropHeight: 30, cropWidth: 31, outputHeight: 4,
          outputWidth: 5, filter: "area", notes: "test fixture"))

    let allPixels = (0..<count).flatMap { PackedDatasetFixture.image(row: $0, shape: shape) }
    #expect(try dataset.readImages(rows: 0..<count) == allPixels)
    #expect(
      try dataset.partitions()
        == (0..<count).map { PackedDatasetFixture.partition(row: $0).rawValue })
    #expect(try dataset.labels() == (0..<count).map { Int32($0 % 10) })
    #expect(try dataset.identities() == (0..<count).map { Int32($0 / 3) })
    #expect(dataset.attributeNames == ["Smiling", "Male"])
    #expect(
      try dataset.attributes() == (0..<count).flatMap { [$0 % 2 == 0 ? 1 : -1, -1] as [Int8] })
    #expect(try dataset.filenames() == (0..<count).map { "image-\($0).png" })
    #expect(try dataset.filenames(rows: 8..<10) == ["image-8.png", "image-9.png"])
    #expect(try dataset.skippedFiles() == skipped)

    let expectedChecksum = referenceCRC32(allPixels)
    #expect(summary.storedChecksum == expectedChecksum)
    #expect(dataset.storedChecksum == expectedChecksum)
    #expect(try dataset.computeChecksum() == expectedChecksum)
  }

  @Test func writerSpanningSeveralWritesRoundTrips() throws {
    // 256x256x3 images are 192 KiB, so with 2 images per chunk a write holds 4 images and
    // 11 rows take writes of 4, 4 and 3.
    let path = directory.file("large.h5")
    let largeShape = PackedImageShape(height: 256, width: 256, channels: 3)
    let summary = try PackedDatasetFixture.write(
      path: path, count: 11, shape: largeShape, partition: true, labels: true,
      imagesPerChunk: 2)

    let dataset = try PackedDataset(path: path)
    let allPixels = (0..<11).flatMap { PackedDatasetFixture.image(row: $0, shape: largeShape) }
    #expect(try dataset.readImages(rows: 0..<11) == allPixels)
    #expect(try dataset.labels() == (0..<11).map { Int32($0 % 10) })
    #expect(try dataset.filenames() == (0..<11).map { "image-\($0).png" })
    #expect(summary.storedChecksum == referenceCRC32(allPixels))
  }

  @Test func writerSummaryMatchesReaderSummary() throws {
    let path = directory.file("summary.h5")
    let written = try PackedDatasetFixture.write(
      path: path, count: 9, shape: shape, partition: true, labels: true, identities: true,
      attributes: true, imagesPerChunk: 4)
    let read = try PackedDataset(path: path).summary(verifyChecksum: true)

    #expect(written.partitionCounts == [.train: 5, .validation: 2, .test: 2])
    #expect(read.partitionCounts == written.partitionCounts)
    #expect(read.labelHistogram == written.labelHistogram)
    #expect(read.identityCount == 3)
    #expect(read.recomputedChecksum == written.storedChecksum)
    #expect(!read.checksumMismatch)

    var readWithoutCheck = read
    readWithoutCheck.recomputedChecksum = nil
    #expect(readWithoutCheck == written)
  }

  @Test func describeListsEveryField() throws {
    let path = directory.file("describe.h5")
    try PackedDatasetFixture.write(
      path: path, count: 8, shape: shape, partition: true, labels: true, attributes: true,
      skipped: [SkippedFile(filename: "bad.jpg", reason: "truncated")])
    let text = try PackedDataset(path: path).summary(verifyChecksum: true).describe()

    #expect(text.contains("8 x 4x5x3 (uint8, NHWC)"))
    #expect(text.contains("train 4, validation 2, test 2"))
    #expect(text.contains("2: Smiling, Male"))
    #expect(text.contains("8 classes; 0: 1, 1: 1"))
    #expect(text.contains("crop 30x31 at top 1, left 2; output 4x5 (filter area); test fixture"))
    #expect(text.contains("1 files: bad.jpg (truncated)"))
    #expect(text.contains("recomputed: match"))
  }

  @Test func checksumVerificationDetectsChangedPixels() throws {
    let path = directory.file("tampered.h5")
    try PackedDatasetFixture.write(path: path, count: 6, shape: shape)
    do {
      let file = try HDF5File.open(path: path, mode: .readWrite)
      let images = try file.openDataset("images")
      let zeros = [UInt8](repeating: 0, count: shape.byteCount)
      try zeros.withUnsafeBufferPointer { try images.write($0, rows: 2..<3) }
    }

    let summary = try PackedDataset(path: path).summary(verifyChecksum: true)
    #expect(summary.checksumMismatch)
    #expect(summary.describe().contains("MISMATCH"))
  }

  @Test func checksumMatchesKnownCRC32() {
    var checksum = ContentChecksum()
    checksum.update(Array("1234".utf8))
    checksum.update(Array("56789".utf8))
    // 0xCBF43926 is the published CRC-32 check value of "123456789".
    #expect(checksum.value == 0xCBF4_3926)
    #expect(ContentChecksum.hex(0x0000_ABCD) == "0000abcd")
  }

  @Test func writerWithoutOptionalFieldsOmitsDatasets() throws {
    let path = directory.file("plain.h5")
    try PackedDatasetFixture.write(path: path, count: 5, shape: shape, deflateLevel: 0)

    let dataset = try PackedDataset(path: path)
    #expect(!dataset.hasPartition)
    #expect(!dataset.hasLabels)
    #expect(!dataset.hasIdentities)
    #expect(dataset.attributeNames == nil)
    #expect(try dataset.partitions() == nil)
    #expect(try dataset.skippedFiles() == [])
    let file = try HDF5File.open(path: path)
    #expect(try !file.contains("skipped"))
    #expect(try !file.contains("labels"))
  }

  @Test func writerWithZeroRowsProducesEmptyDataset() throws {
    let path = directory.file("empty.h5")
    let summary = try PackedDatasetFixture.write(path: path, count: 0, shape: shape)
    #expect(summary.count == 0)
    #expect(summary.storedChecksum == 0)
    #expect(try PackedDataset(path: path).count == 0)
  }

  @Test func readImagesByIndexKeepsOrderAndRepeats() throws {
    let path = directory.file("indices.h5")
    try PackedDatasetFixture.write(path: path, count: 20, shape: shape, imagesPerChunk: 6)
    let indices = [17, 3, 3, 0, 12]
    let images = try PackedDataset(path: path).readImages(indices: indices)
    #expect(images == indices.flatMap { PackedDatasetFixture.image(row: $0, shape: shape) })
  }

  @Test func writerUsesTemporaryNameUntilFinish() throws {
    let path = directory.file("out.h5")
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "idx",
      preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
      attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false,
      imagesPerChunk: 2)
    for row in 0..<5 {
      try writer.append(
        PackedRow(pixels: PackedDatasetFixture.image(row: row, shape: shape), filename: "x:\(row)"))
    }
    #expect(directory.entries() == ["out.h5.tmp-\(getpid())"])

    _ = try writer.finish()
    #expect(directory.entries() == ["out.h5"])
  }

  @Test func writerAbandonRemovesTemporaryFile() throws {
    let path = directory.file("abandoned.h5")
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "folder",
      preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
      attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
    try writer.append(
      PackedRow(pixels: PackedDatasetFixture.image(row: 0, shape: shape), filename: "a.png"))
    writer.abandon()
    #expect(directory.entries() == [])
  }

  @Test func writerReleasedWithoutFinishRemovesTemporaryFile() throws {
    let path = directory.file("dropped.h5")
    do {
      let writer = try PackedDatasetWriter(
        path: path, shape: shape, sourceKind: "folder",
        preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
        attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
      try writer.append(
        PackedRow(pixels: PackedDatasetFixture.image(row: 0, shape: shape), filename: "a.png"))
    }
    #expect(directory.entries() == [])
  }

  @Test func writerFailureAtRenameLeavesNothing() throws {
    // A non-empty directory at the output path makes rename() fail after all the writing.
    let path = directory.file("taken")
    try FileManager.default.createDirectory(
      atPath: path + "/inside", withIntermediateDirectories: true)
    let writer = try PackedDatasetWriter(
      path: path, shape: shape, sourceKind: "folder",
      preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
      attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
    try writer.append(
      PackedRow(pixels: PackedDatasetFixture.image(row: 0, shape: shape), filename: "a.png"))

    #expect {
      _ = try writer.finish()
    } throws: { error in
      "\(error)".contains(path)
    }
    #expect(directory.entries() == ["taken"])
  }

  @Test func writerIntoMissingDirectoryNamesPath() throws {
    let path = directory.file("no/such/dir/out.h5")
    #expect(
      throws: OutputFileError.directoryNotFound(
        path: path, directory: directory.file("no/such/dir"))
    ) {
      _ = try PackedDatasetWriter(
        path: path, shape: shape, sourceKind: "folder",
        preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
        attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
    }
  }

  @Test func writerIntoReadOnlyDirectoryNamesPath() throws {
    let readOnly = directory.file("read-only")
    try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: false)
    chmod(directory.path, 0o755)
    chmod(readOnly, 0o555)
    defer { chmod(readOnly, 0o755) }
    let path = readOnly + "/out.h5"

    let error = withoutFileAccessOverride {
      Result {
        try PackedDatasetWriter(
          path: path, shape: shape, sourceKind: "folder",
          preprocessing: Preprocessing(outputHeight: 4, outputWidth: 5, filter: "none"),
          attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false)
      }
    }
    guard case .failure(let failure) = error else {
      Issue.record("writer was created in read-only directory \(readOnly)")
      return
    }
    let outputError = try #require(failure as? OutputFileError)
    guard case .directoryNotWritable(let failedPath, let failedDirectory, _) = outputError else {
      Issue.record("expected directoryNotWritable, got \(outputError)")
      return
    }
    #expect(failedPath == path)
    #expect(failedDirectory == readOnly)
    #expect(outputError.description.contains(path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly) == [])
  }
}
