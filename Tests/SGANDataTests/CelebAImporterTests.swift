import Foundation
import Testing

@testable import SGANData

/// A CelebA-shaped folder in a temporary directory.
private struct CelebAFixture {
  let directory: ImageTestDirectory
  let root: String

  /// Creates the root and an image folder holding small JPEGs (or PNGs) of the given names.
  init(imageNames: [String], folder: String = "img_align_celeba") throws {
    directory = try ImageTestDirectory()
    root = try directory.makeFolder("celeba")
    try directory.makeFolder("celeba/" + folder)
    for (index, name) in imageNames.enumerated() {
      let image = smoothImage(width: 8 + index, height: 8, channels: 3)
      let bytes = name.hasSuffix(".png") ? try encodePNG(image) : try encodeJPEG(image)
      try directory.write(bytes, to: "celeba/\(folder)/\(name)")
    }
  }

  /// Writes an annotation file under the root and returns its path.
  @discardableResult
  func write(_ text: String, to name: String) throws -> String {
    try directory.write(text: text, to: "celeba/" + name)
  }
}

private let sixImages = (1...6).map { String(format: "%06d.jpg", $0) }

/// Attribute value of attribute k for image number n (1-based): bit k of n.
private func attribute(_ n: Int, _ k: Int) -> Int8 { (n >> k) & 1 == 1 ? 1 : -1 }

@Suite struct CelebAImporterTests {
  @Test func celebAInterleavedAnnotationsStayAligned() throws {
    let fixture = try CelebAFixture(imageNames: sixImages)
    let partitionOrder = [4, 1, 6, 2, 5, 3]
    let attributeOrder = [6, 5, 4, 3, 2, 1]
    let identityOrder = [2, 4, 6, 1, 3, 5]
    try fixture.write(
      partitionOrder.map { String(format: "%06d.jpg %d\n", $0, $0 % 3) }.joined(),
      to: CelebAImporter.partitionFileName)
    try fixture.write(
      "6\nA B C\n"
        + attributeOrder.map { n in
          String(format: "%06d.jpg", n) + (0..<3).map { " \(attribute(n, $0))" }.joined() + "\n"
        }.joined(),
      to: CelebAImporter.attributeFileName)
    try fixture.write(
      identityOrder.map { String(format: "%06d.jpg %d\n", $0, 100 + $0) }.joined(),
      to: CelebAImporter.identityFileName)

    let dataset = try CelebAImporter.importDataset(root: fixture.root)
    #expect(dataset.items.map(\.name) == sixImages)
    #expect(dataset.partitions == (1...6).map { UInt8($0 % 3) })
    #expect(dataset.identities == (1...6).map { Int32(100 + $0) })
    #expect(dataset.attributeNames == ["A", "B", "C"])
    #expect(dataset.attributes == (1...6).flatMap { n in (0..<3).map { attribute(n, $0) } })
  }

  @Test func celebASplitKeepsRowsAligned() throws {
    let fixture = try CelebAFixture(imageNames: sixImages)
    try fixture.write(
      [3, 1, 2, 6, 4, 5].map { String(format: "%06d.jpg %d\n", $0, $0 % 3) }.joined(),
      to: CelebAImporter.partitionFileName)
    try fixture.write(
      (1...6).map { String(format: "%06d.jpg %d\n", $0, 100 + $0) }.joined(),
      to: CelebAImporter.identityFileName)

    let validation = try CelebAImporter.importDataset(root: fixture.root, split: .validation)
    #expect(validation.items.map(\.name) == ["000001.jpg", "000004.jpg"])
    #expect(validation.identities == [101, 104])
    #expect(validation.partitions == [1, 1])
    #expect(try CelebAImporter.importDataset(root: fixture.root, split: .train).count == 2)
    #expect(try CelebAImporter.importDataset(root: fixture.root, split: .all).count == 6)
  }

  @Test func celebASplitWithoutPartitionFileIsAnError() throws {
    let fixture = try CelebAFixture(imageNames: sixImages)
    #expect(throws: ImportError.splitWithoutPartitions(split: "test")) {
      try CelebAImporter.importDataset(root: fixture.root, split: .test)
    }
  }

  @Test func celebAAcceptsCRLFAndRepeatedSpaces() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    try fixture.write(
      "2\r\nSmiling  Young \r\n000002.jpg  -1\t 1\r\n000001.jpg   1  -1\r\n\r\n",
      to: CelebAImporter.attributeFileName)
    try fixture.write(
      "000001.jpg    0\r\n  000002.jpg 2  \r\n\n\n", to: CelebAImporter.partitionFileName)

    let dataset = try CelebAImporter.importDataset(root: fixture.root)
    #expect(dataset.attributeNames == ["Smiling", "Young"])
    #expect(dataset.attributes == [1, -1, -1, 1])
    #expect(dataset.partitions == [0, 2])
  }

  @Test func celebAMissingRowNamesImage() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(3)))
    let path = try fixture.write(
      "000001.jpg 0\n000002.jpg 0\n", to: CelebAImporter.partitionFileName)
    #expect(
      throws: ImportError.missingAnnotationRow(file: path, image: "000003.jpg", missingCount: 1)
    ) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAExtraRowNamesLine() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    let path = try fixture.write(
      "000001.jpg 11\n000099.jpg 12\n000002.jpg 13\n", to: CelebAImporter.identityFileName)
    #expect(throws: ImportError.extraAnnotationRow(file: path, line: 2, name: "000099.jpg")) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAWrongColumnCountNamesLine() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    let path = try fixture.write(
      "2\nA B C\n000001.jpg 1 1 1\n000002.jpg 1 -1\n", to: CelebAImporter.attributeFileName)
    #expect(throws: ImportError.wrongColumnCount(file: path, line: 4, expected: 4, found: 3)) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAWrongHeaderCountIsAnError() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    let path = try fixture.write(
      "3\nA\n000001.jpg 1\n000002.jpg -1\n", to: CelebAImporter.attributeFileName)
    #expect(throws: ImportError.headerCountMismatch(file: path, declared: 3, rows: 2)) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAMissingAttributeNamesIsAnError() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    try fixture.write("2\n000001.jpg 1\n000002.jpg -1\n", to: CelebAImporter.attributeFileName)
    let error = #expect(throws: ImportError.self) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
    guard case .invalidHeader(_, let line, _)? = error else {
      Issue.record("expected invalidHeader, got \(String(describing: error))")
      return
    }
    #expect(line == 2)
  }

  struct BadValueCase: CustomTestStringConvertible, Sendable {
    let file: String
    let text: String
    let line: Int
    let column: Int
    let value: String
    var testDescription: String { "\(file) value '\(value)'" }
  }

  static let badValues = [
    BadValueCase(
      file: CelebAImporter.partitionFileName, text: "000001.jpg 0\n000002.jpg 3\n",
      line: 2, column: 2, value: "3"),
    BadValueCase(
      file: CelebAImporter.partitionFileName, text: "000001.jpg train\n000002.jpg 0\n",
      line: 1, column: 2, value: "train"),
    BadValueCase(
      file: CelebAImporter.attributeFileName, text: "2\nA B\n000001.jpg 1 0\n000002.jpg 1 1\n",
      line: 3, column: 3, value: "0"),
    BadValueCase(
      file: CelebAImporter.identityFileName, text: "000001.jpg 5\n000002.jpg -4\n",
      line: 2, column: 2, value: "-4"),
  ]

  @Test(arguments: badValues)
  func celebAInvalidValueNamesColumn(bad: BadValueCase) throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    let path = try fixture.write(bad.text, to: bad.file)
    let error = #expect(throws: ImportError.self) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
    guard case .invalidValue(let file, let line, let column, let value, _)? = error else {
      Issue.record("expected invalidValue, got \(String(describing: error))")
      return
    }
    #expect(file == path)
    #expect(line == bad.line)
    #expect(column == bad.column)
    #expect(value == bad.value)
  }

  @Test func celebADuplicateRowNamesBothLines() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    let path = try fixture.write(
      "000001.jpg 0\n000002.jpg 0\n000001.jpg 1\n", to: CelebAImporter.partitionFileName)
    #expect(
      throws: ImportError.duplicateAnnotationRow(
        file: path, line: 3, name: "000001.jpg", firstLine: 1)
    ) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAStrayFilesAreCountedNotImported() throws {
    let fixture = try CelebAFixture(imageNames: Array(sixImages.prefix(2)))
    try fixture.directory.write([0, 0, 0, 1], to: "celeba/img_align_celeba/.DS_Store")
    try fixture.directory.write(text: "notes", to: "celeba/img_align_celeba/README.txt")
    try fixture.directory.write([0x00, 0x05], to: "celeba/img_align_celeba/._000001.jpg")

    let dataset = try CelebAImporter.importDataset(root: fixture.root)
    #expect(dataset.items.map(\.name) == ["000001.jpg", "000002.jpg"])
    #expect(
      dataset.strayFiles == [
        "img_align_celeba/.DS_Store", "img_align_celeba/._000001.jpg",
        "img_align_celeba/README.txt",
      ])
  }

  @Test func celebAEmptyImageFolderIsAnError() throws {
    let fixture = try CelebAFixture(imageNames: [])
    try fixture.directory.write([1], to: "celeba/img_align_celeba/.DS_Store")
    #expect(throws: ImportError.noImages(folder: fixture.root + "/img_align_celeba", strayCount: 1))
    {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  @Test func celebAMissingImageFolderIsAnError() throws {
    let directory = try ImageTestDirectory()
    let root = try directory.makeFolder("celeba")
    #expect(throws: ImportError.self) {
      try CelebAImporter.importDataset(root: root)
    }
  }

  @Test func celebAPNGReleaseMatchesJPGNames() throws {
    let names = ["000001.png", "000002.png"]
    let fixture = try CelebAFixture(imageNames: names, folder: "img_align_celeba_png")
    try fixture.write("000002.jpg 1\n000001.jpg 2\n", to: CelebAImporter.partitionFileName)

    let dataset = try CelebAImporter.importDataset(root: fixture.root)
    #expect(dataset.items.map(\.name) == names)
    #expect(dataset.partitions == [2, 1])
  }

  @Test func celebADuplicateStemsAreAnError() throws {
    let fixture = try CelebAFixture(imageNames: ["000001.jpg", "000001.png"])
    #expect(throws: ImportError.self) {
      try CelebAImporter.importDataset(root: fixture.root)
    }
  }

  static let samplePath = "/work/shared/datasets/celeba-sample"

  @Test(.enabled(if: FileManager.default.fileExists(atPath: samplePath + "/img_align_celeba")))
  func celebASampleImportsAndPrepares() throws {
    let dataset = try CelebAImporter.importDataset(root: Self.samplePath)
    #expect(dataset.count == 385)
    #expect(dataset.attributeNames.count == 40)
    #expect(dataset.attributes?.count == 385 * 40)
    #expect(dataset.partitions?.allSatisfy { $0 == 0 } == true)
    #expect(dataset.identities?.count == 385)
    #expect(dataset.strayFiles.isEmpty)

    var sizes: [Int] = []
    let pipeline = DecodePipeline(threadCount: 4, blockSize: 64)
    try pipeline.run(dataset, preparation: .celebA()) { index, outcome in
      guard case .pixels(let pixels) = outcome else {
        Issue.record("item \(index) was skipped")
        return
      }
      #expect(index == sizes.count)
      sizes.append(pixels.count)
    }
    #expect(sizes.count == 385)
    #expect(sizes.allSatisfy { $0 == 64 * 64 * 3 })
  }
}
