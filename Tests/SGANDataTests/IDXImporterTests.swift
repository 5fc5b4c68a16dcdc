import Foundation
import Testing

@testable import SGANData

@Suite struct IDXImporterTests {
  /// Writes an images file and a labels file, gzip-compressed or not, and
  /// returns their paths.
  private func writePair(
    in directory: ImageTestDirectory, prefix: String, count: Int, compressed: Bool,
    labelCount: Int? = nil
  ) throws -> (images: String, labels: String) {
    let images = idxFile(
      magic: IDXFile.imagesMagic, dimensions: [count, 28, 28],
      data: idxPixels(count: count, rows: 28, columns: 28))
    let labelValues = (0..<(labelCount ?? count)).map { UInt8($0 % 10) }
    let labels = idxFile(
      magic: IDXFile.labelsMagic, dimensions: [labelValues.count], data: labelValues)
    let suffix = compressed ? ".gz" : ""
    return (
      try directory.write(
        compressed ? try gzip(images) : images, to: "\(prefix)-images-idx3-ubyte\(suffix)"),
      try directory.write(
        compressed ? try gzip(labels) : labels, to: "\(prefix)-labels-idx1-ubyte\(suffix)")
    )
  }

  @Test(arguments: [false, true])
  func idxImportReadsImagesAndLabels(compressed: Bool) throws {
    let directory = try ImageTestDirectory()
    let paths = try writePair(in: directory, prefix: "train", count: 12, compressed: compressed)
    let dataset = try IDXImporter.importDataset([
      IDXSource(imagesPath: paths.images, labelsPath: paths.labels, partition: 0)
    ])

    #expect(dataset.count == 12)
    #expect(dataset.labels == (0..<12).map { Int32($0 % 10) })
    #expect(dataset.partitions == [UInt8](repeating: 0, count: 12))
    guard case .pixels(let image) = dataset.items[5].source else {
      Issue.record("expected in-memory pixels")
      return
    }
    #expect(image.width == 28)
    #expect(image.height == 28)
    #expect(image.channels == 1)
    let (n, y, x): (Int, Int, Int) = (5, 3, 4)
    let expected = UInt8((n * 31 + y * 7 + x) % 256)
    #expect(image[y, x, 0] == expected)
    #expect(dataset.items[5].name.hasSuffix("[5]"))
  }

  @Test func idxImportConcatenatesTrainAndTest() throws {
    let directory = try ImageTestDirectory()
    let train = try writePair(in: directory, prefix: "train", count: 6, compressed: true)
    let test = try writePair(in: directory, prefix: "t10k", count: 4, compressed: false)
    let dataset = try IDXImporter.importDataset([
      IDXSource(imagesPath: train.images, labelsPath: train.labels, partition: 0),
      IDXSource(imagesPath: test.images, labelsPath: test.labels, partition: 2),
    ])

    #expect(dataset.count == 10)
    #expect(dataset.partitions == [0, 0, 0, 0, 0, 0, 2, 2, 2, 2])
    #expect(dataset.labels == [0, 1, 2, 3, 4, 5, 0, 1, 2, 3])
    #expect(dataset.items[6].name == "t10k-images-idx3-ubyte[0]")
    #expect(try dataset.filtered(to: .test).count == 4)
  }

  @Test func idxWrongMagicIsAnError() throws {
    let directory = try ImageTestDirectory()
    let paths = try writePair(in: directory, prefix: "train", count: 3, compressed: false)
    #expect(
      throws: ImportError.idxWrongMagic(
        path: paths.labels, found: IDXFile.labelsMagic, expected: IDXFile.imagesMagic)
    ) {
      try IDXImporter.importDataset([IDXSource(imagesPath: paths.labels)])
    }
  }

  @Test(arguments: [false, true])
  func idxTruncatedDataIsAnError(compressed: Bool) throws {
    let directory = try ImageTestDirectory()
    let full = idxFile(
      magic: IDXFile.imagesMagic, dimensions: [3, 28, 28],
      data: idxPixels(count: 3, rows: 28, columns: 28))
    let cut = Array(full.dropLast(100))
    let path = try directory.write(compressed ? try gzip(cut) : cut, to: "cut-images")
    #expect(
      throws: ImportError.idxSizeMismatch(
        path: path, expectedBytes: 3 * 784, foundBytes: 3 * 784 - 100)
    ) {
      try IDXImporter.importDataset([IDXSource(imagesPath: path)])
    }
  }

  @Test func idxTruncatedGzipStreamIsAnError() throws {
    let directory = try ImageTestDirectory()
    let full = idxFile(
      magic: IDXFile.imagesMagic, dimensions: [3, 28, 28],
      data: idxPixels(count: 3, rows: 28, columns: 28))
    let compressed = try gzip(full)
    let path = try directory.write(Array(compressed.prefix(compressed.count / 2)), to: "cut.gz")
    let error = #expect(throws: ImportError.self) {
      try IDXImporter.importDataset([IDXSource(imagesPath: path)])
    }
    guard case .gzipFailed(let failedPath, _)? = error else {
      Issue.record("expected gzipFailed, got \(String(describing: error))")
      return
    }
    #expect(failedPath == path)
  }

  @Test func idxCorruptGzipStreamIsAnError() throws {
    let directory = try ImageTestDirectory()
    var compressed = try gzip(
      idxFile(
        magic: IDXFile.imagesMagic, dimensions: [3, 28, 28],
        data: idxPixels(count: 3, rows: 28, columns: 28)))
    for i in 12..<40 { compressed[i] ^= 0xA5 }
    let path = try directory.write(compressed, to: "corrupt.gz")
    #expect(throws: ImportError.self) {
      try IDXImporter.importDataset([IDXSource(imagesPath: path)])
    }
  }

  @Test func idxTrailingBytesAreAnError() throws {
    let directory = try ImageTestDirectory()
    let bytes = idxFile(
      magic: IDXFile.imagesMagic, dimensions: [1, 28, 28],
      data: idxPixels(count: 1, rows: 28, columns: 28) + [1, 2, 3])
    let path = try directory.write(bytes, to: "long-images")
    #expect(throws: ImportError.idxSizeMismatch(path: path, expectedBytes: 784, foundBytes: 787)) {
      try IDXImporter.importDataset([IDXSource(imagesPath: path)])
    }
  }

  @Test func idxEmptyFileIsAnError() throws {
    let directory = try ImageTestDirectory()
    let path = try directory.write([], to: "empty-images")
    #expect(throws: ImportError.self) {
      try IDXImporter.importDataset([IDXSource(imagesPath: path)])
    }
  }

  @Test func idxLabelCountMismatchIsAnError() throws {
    let directory = try ImageTestDirectory()
    let paths = try writePair(
      in: directory, prefix: "train", count: 5, compressed: true, labelCount: 4)
    #expect(
      throws: ImportError.idxCountMismatch(
        imagesPath: paths.images, imageCount: 5, labelsPath: paths.labels, labelCount: 4)
    ) {
      try IDXImporter.importDataset([IDXSource(imagesPath: paths.images, labelsPath: paths.labels)])
    }
  }

  @Test func idxConcatenatedGzipMembersInflate() throws {
    let directory = try ImageTestDirectory()
    let full = idxFile(
      magic: IDXFile.imagesMagic, dimensions: [2, 28, 28],
      data: idxPixels(count: 2, rows: 28, columns: 28))
    let split = full.count / 3
    let path = try directory.write(
      try gzip(Array(full[..<split])) + (try gzip(Array(full[split...]))), to: "two-members.gz")
    let file = try IDXFile(path: path, expectedMagic: IDXFile.imagesMagic)
    #expect(file.dimensions == [2, 28, 28])
    #expect(file.data == idxPixels(count: 2, rows: 28, columns: 28))
  }

  @Test func idxPaddingTo32KeepsPixels() throws {
    let directory = try ImageTestDirectory()
    let paths = try writePair(in: directory, prefix: "train", count: 2, compressed: false)
    let dataset = try IDXImporter.importDataset([IDXSource(imagesPath: paths.images)])
    let preparer = try ImagePreparer(preparation: .idx(size: 32))
    let pixels = try preparer.prepare(dataset.items[1])
    #expect(pixels.count == 32 * 32)
    guard case .pixels(let source) = dataset.items[1].source else { return }
    for (y, x) in [(0, 0), (13, 20), (27, 27)] {
      #expect(pixels[(y + 2) * 32 + x + 2] == source[y, x, 0], "pixel (\(y), \(x))")
    }
  }

  static let fashionMNIST = "/usr/share/datasets/fashion-mnist"

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: fashionMNIST + "/train-images-idx3-ubyte.gz")))
  func idxImportsInstalledFashionMNIST() throws {
    let root = Self.fashionMNIST
    let dataset = try IDXImporter.importDataset([
      IDXSource(
        imagesPath: root + "/train-images-idx3-ubyte.gz",
        labelsPath: root + "/train-labels-idx1-ubyte.gz", partition: 0),
      IDXSource(
        imagesPath: root + "/t10k-images-idx3-ubyte.gz",
        labelsPath: root + "/t10k-labels-idx1-ubyte.gz", partition: 2),
    ])
    #expect(dataset.count == 70_000)
    #expect(dataset.labels?.allSatisfy { (0...9).contains($0) } == true)
    #expect(dataset.partitions?.filter { $0 == 2 }.count == 10_000)
    guard case .pixels(let image) = dataset.items[0].source else { return }
    #expect(image.width == 28)
    #expect(image.height == 28)
  }
}
