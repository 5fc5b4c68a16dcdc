import CHDF5

/// An HDF5 dataset: reads and writes whole datasets, row ranges and row lists, and grows
/// along its first dimension.
///
/// A "row" is one slice along the first dimension: for `/images` of shape `[N, H, W, C]`,
/// row `i` is image `i`, `H * W * C` elements. Buffers hold rows in C (row-major) order.
/// HDF5 converts between the stored type and the buffer's type where the two differ.
public final class HDF5Dataset: HDF5Object {
  // MARK: Layout

  /// Returns the current dimensions.
  public func shape() throws -> [Int] {
    let space = try fileSpace()
    defer { context.closeQuietly(space: space) }
    return try context.dimensions(of: space)
  }

  /// Returns the maximum dimensions, `nil` where a dimension is unlimited.
  public func maximumShape() throws -> [Int?] {
    let space = try fileSpace()
    defer { context.closeQuietly(space: space) }
    return try context.maximumDimensions(of: space)
  }

  /// Returns the chunk dimensions, or `nil` for contiguous or compact storage.
  public func chunkShape() throws -> [Int]? {
    let id = self.id
    let list = try context.check("H5Dget_create_plist") { H5Dget_create_plist(id) }
    defer { context.closeQuietly(propertyList: list) }

    let layout = try context.check("H5Pget_layout", failsWhen: { $0 == H5D_LAYOUT_ERROR }) {
      H5Pget_layout(list)
    }
    guard layout == H5D_CHUNKED else { return nil }

    var dimensions = [hsize_t](repeating: 0, count: 32)
    let rank = try context.check("H5Pget_chunk") { H5Pget_chunk(list, 32, &dimensions) }
    return dimensions.prefix(Int(rank)).map { Int($0) }
  }

  /// Returns the element type as stored in the file.
  public func storedType() throws -> HDF5StoredType {
    let type = try fileType()
    defer { context.closeQuietly(type: type) }
    return try HDF5StoredType.describe(type, context: context)
  }

  /// Sets the first dimension to `rows` (`H5Dset_extent`); the dataset must be chunked and
  /// its maximum shape must allow it.
  public func resize(rows: Int) throws {
    var dimensions = try shape().map { hsize_t($0) }
    precondition(!dimensions.isEmpty, "\(objectPath) is scalar and has no rows to resize")
    dimensions[0] = hsize_t(rows)
    let id = self.id
    try context.check("H5Dset_extent") { H5Dset_extent(id, &dimensions) }
  }

  // MARK: Numeric data

  /// Writes `values`, which fill the whole dataset.
  public func write<Element: HDF5Numeric>(_ values: [Element]) throws {
    let count = try shape().reduce(1, *)
    precondition(values.count == count, "\(objectPath) holds \(count) values, not \(values.count)")
    let id = self.id
    let type = HDF5Library.nativeType(Element.hdf5Kind)
    try values.withUnsafeBytes { buffer in
      _ = try context.check("H5Dwrite") {
        H5Dwrite(
          id, type, HDF5Library.allSelection, HDF5Library.allSelection,
          HDF5Library.defaultPropertyList, buffer.baseAddress)
      }
    }
  }

  /// Writes `values`, which hold whole rows, over rows `rows`; the rows must exist already.
  public func write<Element: HDF5Numeric>(
    _ values: UnsafeBufferPointer<Element>, rows: Range<Int>
  ) throws {
    try transfer("H5Dwrite", rows: rows, elementCount: values.count, kind: Element.hdf5Kind) {
      id, type, memorySpace, fileSpace in
      H5Dwrite(
        id, type, memorySpace, fileSpace, HDF5Library.defaultPropertyList, values.baseAddress)
    }
  }

  /// Grows the first dimension by the rows in `values` and writes them at the end; returns
  /// the range of the new rows.
  @discardableResult
  public func append<Element: HDF5Numeric>(_ values: UnsafeBufferPointer<Element>) throws
    -> Range<Int>
  {
    let shape = try self.shape()
    let rowLength = shape.dropFirst().reduce(1, *)
    precondition(
      rowLength > 0 && values.count % rowLength == 0,
      "\(values.count) values are not whole rows of \(rowLength) for \(objectPath)")
    let rows = shape[0]..<(shape[0] + values.count / rowLength)

    try resize(rows: rows.upperBound)
    try write(values, rows: rows)
    return rows
  }

  /// Grows the first dimension by the rows in `values` and writes them at the end.
  @discardableResult
  public func append<Element: HDF5Numeric>(_ values: [Element]) throws -> Range<Int> {
    try values.withUnsafeBufferPointer { try append($0) }
  }

  /// Reads the whole dataset.
  public func read<Element: HDF5Numeric>(as elementType: Element.Type) throws -> [Element] {
    let count = try shape().reduce(1, *)
    let id = self.id
    let type = HDF5Library.nativeType(Element.hdf5Kind)
    var values = [Element](repeating: .zero, count: count)
    try values.withUnsafeMutableBytes { buffer in
      _ = try context.check("H5Dread") {
        H5Dread(
          id, type, HDF5Library.allSelection, HDF5Library.allSelection,
          HDF5Library.defaultPropertyList, buffer.baseAddress)
      }
    }
    return values
  }

  /// Reads rows `rows` into `buffer`, which must hold exactly those rows.
  public func read<Element: HDF5Numeric>(
    rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Element>
  ) throws {
    try transfer("H5Dread", rows: rows, elementCount: buffer.count, kind: Element.hdf5Kind) {
      id, type, memorySpace, fileSpace in
      H5Dread(
        id, type, memorySpace, fileSpace, HDF5Library.defaultPropertyList, buffer.baseAddress)
    }
  }

  /// Reads rows `rows`.
  public func read<Element: HDF5Numeric>(rows: Range<Int>, as elementType: Element.Type)
    throws -> [Element]
  {
    let rowLength = try shape().dropFirst().reduce(1, *)
    var values = [Element](repeating: .zero, count: rows.count * rowLength)
    try values.withUnsafeMutableBufferPointer { try read(rows: rows, into: $0) }
    return values
  }

  /// Reads the rows listed in `sortedRows`, ascending and without repeats, into `buffer` in
  /// that order, with one `H5Dread` per run of consecutive rows.
  ///
  /// Consecutive reads that fall in one chunk decompress it once when the dataset's chunk
  /// cache (see `HDF5Group.openDataset(_:chunkCacheBytes:)`) has room for a chunk. One read
  /// over the union of all rows would look cheaper but is much slower, because HDF5 1.10 maps
  /// a file selection to a memory selection of another shape element by element.
  public func read<Element: HDF5Numeric>(
    sortedRows: [Int], into buffer: UnsafeMutableBufferPointer<Element>
  ) throws {
    guard !sortedRows.isEmpty else { return }
    let shape = try self.shape()
    let rowLength = shape.dropFirst().reduce(1, *)
    precondition(
      buffer.count == sortedRows.count * rowLength,
      "buffer of \(buffer.count) values does not fit \(sortedRows.count) rows of \(rowLength)")
    precondition(
      sortedRows.first! >= 0 && sortedRows.last! < shape[0],
      "rows \(sortedRows.first!)...\(sortedRows.last!) exceed \(shape[0]) rows of \(objectPath)")

    var runStart = 0
    while runStart < sortedRows.count {
      var runEnd = runStart + 1
      while runEnd < sortedRows.count, sortedRows[runEnd] == sortedRows[runEnd - 1] + 1 {
        runEnd += 1
      }
      precondition(
        runEnd == sortedRows.count || sortedRows[runEnd] > sortedRows[runEnd - 1],
        "row list is not ascending and free of repeats at position \(runEnd)")

      let rows = sortedRows[runStart]..<(sortedRows[runStart] + runEnd - runStart)
      let part = UnsafeMutableBufferPointer(
        rebasing: buffer[(runStart * rowLength)..<(runEnd * rowLength)])
      try read(rows: rows, into: part)
      runStart = runEnd
    }
  }

  // MARK: String data

  /// Writes `strings` over entries `rows` of a one-dimensional string dataset.
  public func writeStrings(_ strings: [String], rows: Range<Int>) throws {
    precondition(strings.count == rows.count, "\(strings.count) strings for \(rows.count) rows")
    guard !strings.isEmpty else { return }
    let shape = try self.shape()
    precondition(rows.upperBound <= shape[0], "rows \(rows) exceed \(shape[0]) in \(objectPath)")

    let fileSpace = try self.fileSpace()
    defer { context.closeQuietly(space: fileSpace) }
    try context.selectRows(rows, in: fileSpace, shape: shape)
    let memorySpace = try context.createSpace(shape: [strings.count])
    defer { context.closeQuietly(space: memorySpace) }
    let memoryType = try context.makeVariableStringType()
    defer { context.closeQuietly(type: memoryType) }

    let id = self.id
    try context.withCStringArray(strings) { buffer in
      _ = try context.check("H5Dwrite") {
        H5Dwrite(
          id, memoryType, memorySpace, fileSpace, HDF5Library.defaultPropertyList, buffer)
      }
    }
  }

  /// Grows a one-dimensional string dataset by `strings` and writes them at the end.
  public func appendStrings(_ strings: [String]) throws {
    guard !strings.isEmpty else { return }
    let start = try shape()[0]
    try resize(rows: start + strings.count)
    try writeStrings(strings, rows: start..<(start + strings.count))
  }

  /// Reads entries `rows` of a one-dimensional string dataset, or all when `rows` is `nil`.
  public func readStrings(rows: Range<Int>? = nil) throws -> [String] {
    let shape = try self.shape()
    precondition(shape.count == 1, "\(objectPath) has shape \(shape), not a list of strings")
    let rows = rows ?? 0..<shape[0]
    guard !rows.isEmpty else { return [] }

    let fileSpace = try self.fileSpace()
    defer { context.closeQuietly(space: fileSpace) }
    try context.selectRows(rows, in: fileSpace, shape: shape)
    let memorySpace = try context.createSpace(shape: [rows.count])
    defer { context.closeQuietly(space: memorySpace) }
    let storedType = try fileType()
    defer { context.closeQuietly(type: storedType) }

    let id = self.id
    return try context.readStrings(storedType: storedType, count: rows.count, call: "H5Dread") {
      memoryType, buffer in
      H5Dread(id, memoryType, memorySpace, fileSpace, HDF5Library.defaultPropertyList, buffer)
    }
  }

  // MARK: Internals

  private func fileSpace() throws -> hid_t {
    let id = self.id
    return try context.check("H5Dget_space") { H5Dget_space(id) }
  }

  private func fileType() throws -> hid_t {
    let id = self.id
    return try context.check("H5Dget_type") { H5Dget_type(id) }
  }

  /// Selects rows `rows` in the file, checks that `elementCount` values fill them, and runs
  /// `call`, named `callName` (`H5Dread` or `H5Dwrite`), with the dataset, memory type and
  /// both dataspaces.
  private func transfer(
    _ callName: String, rows: Range<Int>, elementCount: Int, kind: HDF5NumericKind,
    _ call: (hid_t, hid_t, hid_t, hid_t) -> herr_t
  ) throws {
    let shape = try self.shape()
    precondition(!shape.isEmpty, "\(objectPath) is scalar and has no rows")
    let rowLength = shape.dropFirst().reduce(1, *)
    precondition(
      rows.lowerBound >= 0 && rows.upperBound <= shape[0],
      "rows \(rows) exceed the \(shape[0]) rows of \(objectPath)")
    precondition(
      elementCount == rows.count * rowLength,
      "buffer of \(elementCount) values does not fit \(rows.count) rows of \(rowLength)")
    guard !rows.isEmpty else { return }

    let fileSpace = try self.fileSpace()
    defer { context.closeQuietly(space: fileSpace) }
    try context.selectRows(rows, in: fileSpace, shape: shape)
    // The memory space has the selection's shape: HDF5 1.10 maps selections of different
    // shapes element by element, which made 16 MiB reads take seconds.
    let memorySpace = try context.createSpace(shape: [rows.count] + shape.dropFirst())
    defer { context.closeQuietly(space: memorySpace) }

    let id = self.id
    let type = HDF5Library.nativeType(kind)
    try context.check(callName) { call(id, type, memorySpace, fileSpace) }
  }
}
