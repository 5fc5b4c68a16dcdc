import Foundation
import Testing

@testable import SGANData

@Suite struct AtomicFileOutputTests {
  let directory = TemporaryDirectory()

  func contents(of path: String) -> String? {
    try? String(contentsOfFile: path, encoding: .utf8)
  }

  @Test func commitReplacesFinalFileAndRemovesTemporary() throws {
    let path = directory.file("model.ckpt")
    try "old".write(toFile: path, atomically: false, encoding: .utf8)

    let output = try AtomicOutputFile(path: path)
    #expect(output.temporaryPath == path + ".tmp-\(getpid())")
    try "new".write(toFile: output.temporaryPath, atomically: false, encoding: .utf8)
    #expect(contents(of: path) == "old")

    try output.commit()
    #expect(output.state == .committed)
    #expect(contents(of: path) == "new")
    #expect(directory.entries() == ["model.ckpt"])
  }

  @Test func abandonRemovesTemporaryAndKeepsOldFile() throws {
    let path = directory.file("model.ckpt")
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    let output = try AtomicOutputFile(path: path)
    try "partial".write(toFile: output.temporaryPath, atomically: false, encoding: .utf8)

    output.abandon()
    #expect(output.state == .abandoned)
    #expect(directory.entries() == ["model.ckpt"])
    #expect(contents(of: path) == "old")
  }

  @Test func releaseWithoutCommitRemovesTemporary() throws {
    do {
      let output = try AtomicOutputFile(path: directory.file("out.bin"))
      #expect(directory.entries() == ["out.bin.tmp-\(getpid())"])
      _ = output
    }
    #expect(directory.entries() == [])
  }

  @Test func secondWriterForSamePathRejected() throws {
    let path = directory.file("shared.h5")
    let first = try AtomicOutputFile(path: path)
    #expect(throws: OutputFileError.alreadyBeingWritten(path: path)) {
      _ = try AtomicOutputFile(path: path)
    }
    first.abandon()
    // Once the first writer is done, the path is free again.
    let second = try AtomicOutputFile(path: path)
    second.abandon()
  }

  @Test func missingDirectoryRejectedWithPath() throws {
    let path = directory.file("absent/out.h5")
    #expect(
      throws: OutputFileError.directoryNotFound(path: path, directory: directory.file("absent"))
    ) {
      _ = try AtomicOutputFile(path: path)
    }
  }

  @Test func bareNameUsesCurrentDirectory() {
    #expect(AtomicOutputFile.directory(of: "out.h5") == ".")
    #expect(AtomicOutputFile.directory(of: "/out.h5") == "/")
    #expect(AtomicOutputFile.directory(of: "data/sets/out.h5") == "data/sets")
  }

  struct ErrorNumberCase: CustomTestStringConvertible, Sendable {
    let name: String
    let errorNumber: Int32
    let expected: OutputFileError
    var testDescription: String { name }
  }

  static let errorNumberCases: [ErrorNumberCase] = [
    ErrorNumberCase(
      name: "ENOSPC", errorNumber: ENOSPC, expected: .diskFull(path: "/data/out.h5")),
    ErrorNumberCase(
      name: "EDQUOT", errorNumber: EDQUOT, expected: .diskFull(path: "/data/out.h5")),
    ErrorNumberCase(
      name: "ENOENT", errorNumber: ENOENT,
      expected: .directoryNotFound(path: "/data/out.h5", directory: "/data")),
    ErrorNumberCase(
      name: "EROFS", errorNumber: EROFS,
      expected: .directoryNotWritable(
        path: "/data/out.h5", directory: "/data", reason: String(cString: strerror(EROFS)))),
    ErrorNumberCase(
      name: "EIO", errorNumber: EIO,
      expected: .systemCallFailed(call: "fsync", path: "/data/out.h5", errorNumber: EIO)),
  ]

  @Test(arguments: errorNumberCases)
  func errorNumberClassifiedWithPath(testCase: ErrorNumberCase) {
    let error = OutputFileError(
      call: "fsync", path: "/data/out.h5", directory: "/data", errorNumber: testCase.errorNumber)
    #expect(error == testCase.expected)
    #expect(error.description.contains("'/data/out.h5'"))
  }

  @Test func hdf5WriteErrorCarriesErrorNumber() {
    // The message shape of HDF5 1.10's POSIX driver when write() fails.
    let error = HDF5Error(
      call: "H5Dwrite", file: "/data/out.h5.tmp-1", object: "/images",
      messages: [
        "H5Dwrite(): can't write data",
        "H5FD_sec2_write(): file write failed: time = Thu Jan  1 00:00:00 1970 , "
          + "filename = '/data/out.h5.tmp-1', file descriptor = 3, errno = 28, "
          + "error message = 'No space left on device', buf = 0x1, total write size = 4096",
      ])
    #expect(error.systemErrorNumber == ENOSPC)
  }

  /// Runs only where `SGAN_SMALL_FILESYSTEM` names the directory of a small, otherwise empty
  /// file system, such as a 1 MiB tmpfs: fills it through the packed dataset writer and
  /// expects a disk-full error naming the output and no file left behind.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["SGAN_SMALL_FILESYSTEM"] != nil))
  func fullDiskReportedAndCleanedUp() throws {
    let smallDirectory = ProcessInfo.processInfo.environment["SGAN_SMALL_FILESYSTEM"]!
    let path = smallDirectory + "/full.h5"
    let shape = PackedImageShape(height: 64, width: 64, channels: 3)
    var generator = SplitMix64(seed: 1)

    var thrown: Error?
    do {
      let writer = try PackedDatasetWriter(
        path: path, shape: shape, sourceKind: "folder",
        preprocessing: Preprocessing(outputHeight: 64, outputWidth: 64, filter: "none"),
        attributeNames: nil, hasPartition: false, hasLabels: false, hasIdentities: false,
        deflateLevel: 0)
      // 64 MiB of incompressible pixels, far more than the small file system holds.
      for row in 0..<(64 << 20) / shape.byteCount {
        let pixels = (0..<shape.byteCount).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try writer.append(PackedRow(pixels: pixels, filename: "\(row)"))
      }
      _ = try writer.finish()
    } catch {
      thrown = error
    }

    #expect(thrown as? OutputFileError == .diskFull(path: path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: smallDirectory) == [])
  }
}
