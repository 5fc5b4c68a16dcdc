import Foundation
import Testing

@testable import SGANData

/// Checks that failed HDF5 calls throw `HDF5Error` naming the call, file and object, with
/// HDF5's own messages, and that nothing is printed to standard error on the way.
@Suite struct HDF5ErrorTests {
  let directory = TemporaryDirectory()

  /// Runs `body`, expecting an `HDF5Error`, and returns it.
  func expectHDF5Error(_ body: () throws -> Void) -> HDF5Error? {
    do {
      try body()
    } catch let error as HDF5Error {
      return error
    } catch {
      Issue.record("expected HDF5Error, got \(type(of: error)): \(error)")
      return nil
    }
    Issue.record("expected HDF5Error, but the call succeeded")
    return nil
  }

  @Test func openMissingFileNamesCallAndFile() throws {
    let path = directory.file("missing.h5")
    let error = try #require(expectHDF5Error { _ = try HDF5File.open(path: path) })
    #expect(error.call == "H5Fopen")
    #expect(error.file == path)
    #expect(error.object == "/")
    #expect(!error.messages.isEmpty)
    #expect(error.systemErrorNumber == ENOENT)
    #expect(error.description.contains(path))
    #expect(error.description.contains("H5Fopen"))
  }

  @Test func openNonHDF5FileNamesCallAndFile() throws {
    let path = directory.file("text.h5")
    try Data("not an HDF5 file\n".utf8).write(to: URL(fileURLWithPath: path))

    #expect(try !HDF5File.isHDF5(path: path))
    let error = try #require(expectHDF5Error { _ = try HDF5File.open(path: path) })
    #expect(error.call == "H5Fopen")
    #expect(error.file == path)
    #expect(error.messages.contains { $0.contains("signature") })
  }

  @Test func openMissingDatasetNamesObject() throws {
    let path = directory.file("empty.h5")
    let file = try HDF5File.create(path: path)
    let error = try #require(expectHDF5Error { _ = try file.openDataset("images") })
    #expect(error.call == "H5Dopen2")
    #expect(error.file == path)
    #expect(error.object == "/images")
    #expect(error.description.contains("'/images'"))
  }

  @Test func readMissingAttributeNamesObject() throws {
    let path = directory.file("attributes.h5")
    let file = try HDF5File.create(path: path)
    let group = try file.createGroup("skipped")
    let error = try #require(
      expectHDF5Error { _ = try group.readAttribute("format_version", as: Int32.self) })
    #expect(error.call == "H5Aopen")
    #expect(error.object == "/skipped@format_version")
  }

  @Test func createExistingFileWithoutOverwriteFails() throws {
    let path = directory.file("exists.h5")
    _ = try HDF5File.create(path: path)
    let error = try #require(expectHDF5Error { _ = try HDF5File.create(path: path) })
    #expect(error.call == "H5Fcreate")
    #expect(error.file == path)
  }

  @Test func writeToReadOnlyFileFails() throws {
    let path = directory.file("readonly.h5")
    do {
      let file = try HDF5File.create(path: path)
      _ = try file.createDataset("values", of: Int32.self, shape: [2])
    }
    let file = try HDF5File.open(path: path, mode: .readOnly)
    let dataset = try file.openDataset("values")
    let error = try #require(expectHDF5Error { try dataset.write([Int32(1), 2]) })
    #expect(error.call == "H5Dwrite")
    #expect(error.object == "/values")
  }

  @Test func fileCloseFailsWhileDatasetOpen() throws {
    let path = directory.file("open-objects.h5")
    let file = try HDF5File.create(path: path)
    let dataset = try file.createDataset("values", of: UInt8.self, shape: [1])
    let error = try #require(expectHDF5Error { try file.close() })
    #expect(error.call == "H5Fclose")
    try dataset.close()
  }

  @Test func readRowsWithWrongDatasetTypeConverts() throws {
    // HDF5 converts between numeric types on read; a dataset of Int32 read as Double is exact.
    let path = directory.file("convert.h5")
    let file = try HDF5File.create(path: path)
    let dataset = try file.createDataset("values", of: Int32.self, shape: [3])
    try dataset.write([Int32(-2), 0, 5])
    #expect(try dataset.read(as: Double.self) == [-2, 0, 5])
  }
}
