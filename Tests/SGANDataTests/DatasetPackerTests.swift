import Foundation
import Testing

@testable import SGANData

/// Writes a CelebA-shaped folder whose images are flat colours encoding their number, with
/// the annotation files listed in an interleaved order.
private func writeCelebAFolder(in directory: ImageTestDirectory, count: Int) throws -> String {
  let root = try directory.makeFolder("celeba")
  try directory.makeFolder("celeba/img_align_celeba")
  for n in 1...count {
    let image = Image(width: 20, height: 24, channels: 3, filledWith: UInt8(n * 10))
    try directory.write(try encodePNG(image), to: String(format: "celeba/img_align_celeba/%06d.png", n))
  }
  let order = (1...count).reversed()
  try directory.write(
    text: order.map { String(format: "%06d.jpg %d\n", $0, $0 % 3) }.joined(),
    to: "celeba/list_eval_partition.txt")
  try directory.write(
    text: "\(count)\nEven Big\n"
      + order.map { String(format: "%06d.jpg %d %d\n", $0, $0 % 2 == 0 ? 1 : -1, $0 > 2 ? 1 : -1) }
      .joined(),
    to: "celeba/list_attr_celeba.txt")
  return root
}

private let smallPreparation = ImagePreparation(
  channels: 3, crop: .centered(height: 16, width: 16), outputWidth: 8, outputHeight: 8)

@Suite struct DatasetPackerTests {
  @Test func packedRowsStayAlignedWithImages() throws {
    let directory = try ImageTestDirectory()
    let root = try writeCelebAFolder(in: directory, count: 5)
    let dataset = try CelebAImporter.importDataset(root: root)
    let output = directory.path + "/out.h5"

    let summary = try DatasetPacker(preparation: smallPreparation, threads: 3).pack(
      dataset, to: output)
    #expect(summary.count == 5)

    let packed = try PackedDataset(path: output)
    let images = try packed.readImages(rows: 0..<5)
    let filenames = try packed.filenames()
    let partitions = try packed.partitions()
    let attributes = try packed.attributes()
    for row in 0..<5 {
      let n = row + 1
      #expect(images[row * 192] == UInt8(n * 10), "row \(row) holds another image")
      #expect(filenames[row] == String(format: "%06d.png", n))
      #expect(partitions?[row] == UInt8(n % 3))
      #expect(attributes?[row * 2] == (n % 2 == 0 ? 1 : -1))
      #expect(attributes?[row * 2 + 1] == (n > 2 ? 1 : -1))
    }
    #expect(packed.attributeNames == ["Even", "Big"])
    #expect(packed.preprocessing.cropHeight == 16)
  }

  @Test func badImageFailsWithoutOutputFile() throws {
    let directory = try ImageTestDirectory()
    let root = try writeCelebAFolder(in: directory, count: 3)
    try directory.write(Array("<html>not an image</html>".utf8), to: "celeba/img_align_celeba/000002.png")
    let dataset = try CelebAImporter.importDataset(root: root)
    let output = directory.path + "/out.h5"

    #expect(throws: PipelineError.self) {
      _ = try DatasetPacker(preparation: smallPreparation, threads: 2).pack(dataset, to: output)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(leftovers == ["celeba"])
  }

  @Test func skipBadRecordsSkippedFiles() throws {
    let directory = try ImageTestDirectory()
    let root = try writeCelebAFolder(in: directory, count: 3)
    try directory.write([0xFF, 0xD8, 0xFF, 0x00], to: "celeba/img_align_celeba/000002.png")
    let dataset = try CelebAImporter.importDataset(root: root)
    let output = directory.path + "/out.h5"

    let summary = try DatasetPacker(preparation: smallPreparation, threads: 2, skipBad: true)
      .pack(dataset, to: output)
    #expect(summary.count == 2)
    #expect(summary.skippedFiles.map(\.filename) == ["000002.png"])

    let packed = try PackedDataset(path: output)
    #expect(try packed.filenames() == ["000001.png", "000003.png"])
    #expect(try packed.partitions() == [1, 0])
  }

  @Test func everyImageSkippedIsAnError() throws {
    let directory = try ImageTestDirectory()
    let root = try directory.makeFolder("images")
    try directory.write(Array("not an image".utf8), to: "images/a.jpg")
    let dataset = try FolderImporter.importDataset(root: root)
    let output = directory.path + "/out.h5"

    #expect(throws: PackingError.everyImageSkipped(path: output, count: 1)) {
      _ = try DatasetPacker(preparation: smallPreparation, threads: 1, skipBad: true)
        .pack(dataset, to: output)
    }
    #expect(!FileManager.default.fileExists(atPath: output))
  }
}
