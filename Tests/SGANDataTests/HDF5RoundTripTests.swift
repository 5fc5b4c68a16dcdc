import Foundation
import Testing

@testable import SGANData

/// Writes each element type, layout and attribute kind to a fresh file, closes it, reopens it
/// read-only and checks that every value comes back.
@Suite struct HDF5RoundTripTests {
  let directory = TemporaryDirectory()

  /// Writes `values` as a `[rows, columns]` dataset and returns what a fresh open reads back,
  /// with the stored type.
  func roundTrip<Element: HDF5Numeric>(_ values: [Element], columns: Int) throws -> (
    [Element], HDF5StoredType
  ) {
    let path = directory.file("numbers.h5")
    do {
      let file = try HDF5File.create(path: path, overwrite: true)
      let dataset = try file.createDataset(
        "values", of: Element.self, shape: [values.count / columns, columns])
      try dataset.write(values)
    }

    let file = try HDF5File.open(path: path)
    let dataset = try file.openDataset("values")
    return (try dataset.read(as: Element.self), try dataset.storedType())
  }

  @Test(arguments: HDF5NumericKind.allCases)
  func numericDatasetRoundTripsEveryType(kind: HDF5NumericKind) throws {
    switch kind {
    case .uint8:
      let values: [UInt8] = [0, 1, 127, 128, 254, 255]
      let (read, type) = try roundTrip(values, columns: 3)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .int8:
      let values: [Int8] = [.min, -1, 0, 1, 100, .max]
      let (read, type) = try roundTrip(values, columns: 2)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .uint16:
      let values: [UInt16] = [0, 1, 300, .max]
      let (read, type) = try roundTrip(values, columns: 2)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .int16:
      let values: [Int16] = [.min, -300, 0, .max]
      let (read, type) = try roundTrip(values, columns: 2)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .uint32:
      let values: [UInt32] = [0, 1, 0xDEAD_BEEF, .max]
      let (read, type) = try roundTrip(values, columns: 2)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .int32:
      let values: [Int32] = [.min, -1, 0, 202_599, .max, 7]
      let (read, type) = try roundTrip(values, columns: 3)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .uint64:
      let values: [UInt64] = [0, 1, 1 << 40, .max]
      let (read, type) = try roundTrip(values, columns: 4)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .int64:
      let values: [Int64] = [.min, -(1 << 40), 0, .max]
      let (read, type) = try roundTrip(values, columns: 1)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .float32:
      let values: [Float] = [
        -.infinity, -1.5, 0, .leastNonzeroMagnitude, .pi, .greatestFiniteMagnitude,
      ]
      let (read, type) = try roundTrip(values, columns: 3)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    case .float64:
      let values: [Double] = [-1e300, -0.1, 0, 1 / 3, .pi, .infinity]
      let (read, type) = try roundTrip(values, columns: 2)
      #expect(read == values)
      #expect(type == HDF5StoredType(kind))
    }
  }

  @Test func chunkedDeflateDatasetAppendsAndReadsRows() throws {
    let path = directory.file("images.h5")
    let rowLength = 4 * 4 * 3
    let rows = 23
    let pixels = (0..<(rows * rowLength)).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    do {
      let file = try HDF5File.create(path: path)
      let dataset = try file.createDataset(
        "images", of: UInt8.self, shape: [0, 4, 4, 3], maximumShape: [nil, 4, 4, 3],
        chunkShape: [5, 4, 4, 3], deflateLevel: 6)
      // Appends in uneven blocks so that blocks straddle chunk boundaries.
      for block in [0..<7, 7..<8, 8..<23] {
        let appended = try pixels.withUnsafeBufferPointer {
          try dataset.append(
            UnsafeBufferPointer(
              rebasing: $0[(block.lowerBound * rowLength)..<(block.upperBound * rowLength)]))
        }
        #expect(appended == block)
      }
    }

    let file = try HDF5File.open(path: path)
    let dataset = try file.openDataset("images")
    #expect(try dataset.shape() == [rows, 4, 4, 3])
    #expect(try dataset.maximumShape() == [nil, 4, 4, 3])
    #expect(try dataset.chunkShape() == [5, 4, 4, 3])
    #expect(try dataset.read(as: UInt8.self) == pixels)

    let middle = try dataset.read(rows: 4..<13, as: UInt8.self)
    #expect(middle == Array(pixels[(4 * rowLength)..<(13 * rowLength)]))
  }

  @Test func sortedRowListReadsRowsInOrder() throws {
    let path = directory.file("rows.h5")
    let values = (0..<(30 * 2)).map { Int32($0) }
    do {
      let file = try HDF5File.create(path: path)
      let dataset = try file.createDataset(
        "rows", of: Int32.self, shape: [30, 2], chunkShape: [4, 2], deflateLevel: 1)
      try dataset.write(values)
    }

    let file = try HDF5File.open(path: path)
    let dataset = try file.openDataset("rows", chunkCacheBytes: 1 << 20)
    let wanted = [0, 1, 2, 9, 17, 18, 29]
    var buffer = [Int32](repeating: -1, count: wanted.count * 2)
    try buffer.withUnsafeMutableBufferPointer { try dataset.read(sortedRows: wanted, into: $0) }
    #expect(buffer == wanted.flatMap { [Int32($0 * 2), Int32($0 * 2 + 1)] })
  }

  @Test func rowRangeWriteReplacesOnlyThoseRows() throws {
    let path = directory.file("partial.h5")
    let file = try HDF5File.create(path: path)
    let dataset = try file.createDataset("values", of: Double.self, shape: [5, 2])
    try dataset.write([Double](repeating: 0, count: 10))
    try [1.5, 2.5, 3.5, 4.5].withUnsafeBufferPointer { try dataset.write($0, rows: 2..<4) }
    #expect(try dataset.read(as: Double.self) == [0, 0, 0, 0, 1.5, 2.5, 3.5, 4.5, 0, 0])
  }

  @Test func stringDatasetRoundTripsUnicode() throws {
    let path = directory.file("strings.h5")
    let first = ["000001.jpg", "", "train-images-idx3-ubyte:59999"]
    let second = ["Grüße/ü.png", "名前.jpg"]
    do {
      let file = try HDF5File.create(path: path)
      let dataset = try file.createStringDataset(
        "nested/filenames", count: 0, growable: true, chunkCount: 2, deflateLevel: 4)
      try dataset.appendStrings(first)
      try dataset.appendStrings(second)
    }

    let file = try HDF5File.open(path: path)
    #expect(try file.contains("nested/filenames"))
    let dataset = try file.openDataset("/nested/filenames")
    #expect(try dataset.storedType() == .string(variableLength: true))
    #expect(try dataset.readStrings() == first + second)
    #expect(
      try dataset.readStrings(rows: 2..<4) == ["train-images-idx3-ubyte:59999", "Grüße/ü.png"])
  }

  @Test func attributesRoundTripEveryKind() throws {
    let path = directory.file("attributes.h5")
    do {
      let file = try HDF5File.create(path: path)
      try file.writeAttribute("version", Int32(1))
      try file.writeAttribute("checksum", UInt32.max)
      try file.writeAttribute("count", Int64(202_599))
      try file.writeAttribute("scale", 0.5 as Double)
      try file.writeAttribute("weights", [Float(0.25), -1, 3])
      try file.writeAttribute("kind", "celeba")
      try file.writeAttribute("names", ["5_o_Clock_Shadow", "Arched_Eyebrows", "Ünïcode"])
      try file.writeAttribute("empty", [String]())
      let group = try file.createGroup("group")
      try group.writeAttribute("note", "on a group")
      let dataset = try group.createDataset("data", of: Int8.self, shape: [2])
      try dataset.writeAttribute("offsets", [Int8(-1), 1])
      // Writing again replaces the attribute, even with another type.
      try file.writeAttribute("kind", "idx")
      try file.writeAttribute("version", Int64(2))
    }

    let file = try HDF5File.open(path: path)
    #expect(try file.readAttribute("version", as: Int32.self) == 2)
    #expect(try file.attributeType("version") == .integer(bytes: 8, signed: true))
    #expect(try file.readAttribute("checksum", as: UInt32.self) == .max)
    #expect(try file.readAttribute("count", as: Int64.self) == 202_599)
    #expect(try file.readAttribute("scale", as: Double.self) == 0.5)
    #expect(try file.readAttribute("weights", as: [Float].self) == [0.25, -1, 3])
    #expect(try file.readAttribute("kind", as: String.self) == "idx")
    #expect(try file.attributeType("kind") == .string(variableLength: true))
    #expect(
      try file.readAttribute("names", as: [String].self)
        == ["5_o_Clock_Shadow", "Arched_Eyebrows", "Ünïcode"])
    #expect(try file.readAttribute("empty", as: [String].self) == [])
    #expect(try file.hasAttribute("kind"))
    #expect(try !file.hasAttribute("missing"))
    #expect(try file.openGroup("group").readAttribute("note", as: String.self) == "on a group")
    #expect(
      try file.openDataset("group/data").readAttribute("offsets", as: [Int8].self) == [-1, 1])
  }

  @Test func concurrentReadsFromTwoThreadsAgree() throws {
    let path = directory.file("shared.h5")
    let values = (0..<4096).map { Float($0) }
    do {
      let file = try HDF5File.create(path: path)
      let dataset = try file.createDataset(
        "values", of: Float.self, shape: [64, 64], chunkShape: [8, 64], deflateLevel: 2)
      try dataset.write(values)
    }

    // Each thread opens its own file handle; HDF5's global lock serialises the calls.
    let results = ThreadResults()
    let threads = (0..<2).map { index in
      Thread {
        let read = try? HDF5File.open(path: path).openDataset("values").read(as: Float.self)
        results.store(read, at: index)
      }
    }
    for thread in threads { thread.start() }
    results.wait(for: 2)
    #expect(results.value(at: 0) == values)
    #expect(results.value(at: 1) == values)
  }
}

/// Results that background threads hand to a test, with a wait for all of them.
final class ThreadResults: @unchecked Sendable {
  private let condition = NSCondition()
  private var values: [Int: [Float]] = [:]
  private var finished = 0

  func store(_ value: [Float]?, at index: Int) {
    condition.lock()
    values[index] = value
    finished += 1
    condition.broadcast()
    condition.unlock()
  }

  func wait(for count: Int) {
    condition.lock()
    while finished < count { condition.wait() }
    condition.unlock()
  }

  func value(at index: Int) -> [Float]? {
    condition.lock()
    defer { condition.unlock() }
    return values[index]
  }
}
