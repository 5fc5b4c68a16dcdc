import Foundation
import Testing

@testable import SGANData

/// Opens malformed files and checks that each is rejected with the error that names it.
@Suite struct PackedDatasetReaderErrorTests {
  /// A way to break a valid packed file, and the error its opening must throw.
  struct Defect: CustomTestStringConvertible, Sendable {
    let name: String
    /// Changes the valid file at the path; `nil` leaves no file there at all.
    let damage: (@Sendable (String) throws -> Void)?
    let expected: @Sendable (String) -> PackedDatasetError

    var testDescription: String { name }
  }

  static let defects: [Defect] = [
    Defect(
      name: "missing file", damage: nil, expected: { .fileNotFound(path: $0) }),
    Defect(
      name: "folder",
      damage: { path in
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
      },
      expected: { .isFolder(path: $0) }),
    Defect(
      name: "text file",
      damage: { path in try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path)) },
      expected: { .notHDF5(path: $0) }),
    Defect(
      name: "no /images",
      damage: { path in
        let file = try HDF5File.create(path: path, overwrite: true)
        try file.writeAttribute("format_version", Int64(1))
      },
      expected: { .missingDataset(path: $0, dataset: "/images") }),
    Defect(
      name: "no format_version",
      damage: { path in
        let file = try HDF5File.create(path: path, overwrite: true)
        _ = try file.createDataset("images", of: UInt8.self, shape: [1, 2, 2, 1])
      },
      expected: { .missingAttribute(path: $0, object: "/", attribute: "format_version") }),
    Defect(
      name: "version 2",
      damage: { path in
        try HDF5File.open(path: path, mode: .readWrite).writeAttribute("format_version", Int64(2))
      },
      expected: { .unsupportedVersion(path: $0, found: 2) }),
    Defect(
      name: "images of rank 3",
      damage: { path in
        let file = try HDF5File.create(path: path, overwrite: true)
        try file.writeAttribute("format_version", Int64(1))
        _ = try file.createDataset("images", of: UInt8.self, shape: [2, 4, 5])
      },
      expected: { .wrongRank(path: $0, dataset: "/images", expected: 4, found: [2, 4, 5]) }),
    Defect(
      name: "images of float32",
      damage: { path in
        let file = try HDF5File.create(path: path, overwrite: true)
        try file.writeAttribute("format_version", Int64(1))
        _ = try file.createDataset("images", of: Float.self, shape: [2, 4, 5, 3])
      },
      expected: {
        .wrongElementType(path: $0, dataset: "/images", expected: "uint8", found: "float32")
      }),
    Defect(
      name: "short labels",
      damage: { path in
        let file = try HDF5File.open(path: path, mode: .readWrite)
        try file.openDataset("labels").resize(rows: 5)
      },
      expected: { .lengthMismatch(path: $0, dataset: "/labels", expected: 6, found: 5) }),
    Defect(
      name: "channels attribute disagrees",
      damage: { path in
        try HDF5File.open(path: path, mode: .readWrite).writeAttribute("channels", Int64(1))
      },
      expected: { .shapeMismatch(path: $0, attribute: "channels", expected: 3, found: 1) }),
  ]

  @Test(arguments: defects)
  func openRejectsDamagedFile(defect: Defect) throws {
    let directory = TemporaryDirectory()
    let path = directory.file("damaged.h5")
    if let damage = defect.damage {
      try PackedDatasetFixture.write(
        path: path, count: 6, shape: PackedImageShape(height: 4, width: 5, channels: 3),
        labels: true)
      try damage(path)
    }

    let expected = defect.expected(path)
    #expect(throws: expected) { _ = try PackedDataset(path: path) }
    #expect(expected.description.contains(path))
  }

  @Test func partitionSplitWithoutPartitionRejected() throws {
    let directory = TemporaryDirectory()
    let path = directory.file("no-partition.h5")
    try PackedDatasetFixture.write(
      path: path, count: 4, shape: PackedImageShape(height: 2, width: 2, channels: 1))
    let dataset = try PackedDataset(path: path)
    #expect(throws: PackedDatasetError.noPartition(path: path, split: .train)) {
      _ = try dataset.rows(in: .train)
    }
    #expect(try dataset.rows(in: .all) == [0, 1, 2, 3])
  }
}
