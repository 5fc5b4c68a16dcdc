import CHDF5

/// Dataspace and selection helpers. Each returns a raw id that the caller closes with
/// `closeQuietly(space:)` in a `defer`, so the id cannot close before the call that uses it.
extension HDF5Context {
  /// Creates a simple dataspace of `shape`; a `nil` entry in `maximumShape` is unlimited.
  func createSpace(shape: [Int], maximumShape: [Int?]? = nil) throws -> hid_t {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    var dimensions = shape.map { hsize_t($0) }
    guard let maximumShape else {
      return try check("H5Screate_simple") {
        H5Screate_simple(Int32(dimensions.count), &dimensions, nil)
      }
    }

    precondition(
      maximumShape.count == shape.count,
      "maximum shape \(maximumShape) and shape \(shape) differ in rank")
    var maximum = maximumShape.map { $0.map { hsize_t($0) } ?? HDF5Library.unlimited }
    return try check("H5Screate_simple") {
      H5Screate_simple(Int32(dimensions.count), &dimensions, &maximum)
    }
  }

  /// Creates a scalar dataspace, the space of a single-value attribute.
  func createScalarSpace() throws -> hid_t {
    try check("H5Screate") { H5Screate(H5S_SCALAR) }
  }

  /// Returns the current dimensions of dataspace `space`.
  func dimensions(of space: hid_t) throws -> [Int] {
    let rank = try check("H5Sget_simple_extent_ndims") { H5Sget_simple_extent_ndims(space) }
    var dimensions = [hsize_t](repeating: 0, count: Int(rank))
    try check("H5Sget_simple_extent_dims") {
      H5Sget_simple_extent_dims(space, &dimensions, nil)
    }
    return dimensions.map { Int($0) }
  }

  /// Returns the maximum dimensions of dataspace `space`, `nil` where unlimited.
  func maximumDimensions(of space: hid_t) throws -> [Int?] {
    let rank = try check("H5Sget_simple_extent_ndims") { H5Sget_simple_extent_ndims(space) }
    var maximum = [hsize_t](repeating: 0, count: Int(rank))
    try check("H5Sget_simple_extent_dims") { H5Sget_simple_extent_dims(space, nil, &maximum) }
    return maximum.map { $0 == HDF5Library.unlimited ? nil : Int($0) }
  }

  /// Selects rows `rows` (whole slices along the first dimension) of `space`, whose
  /// dimensions are `shape`.
  func selectRows(_ rows: Range<Int>, in space: hid_t, shape: [Int]) throws {
    var start = [hsize_t](repeating: 0, count: shape.count)
    var count = shape.map { hsize_t($0) }
    start[0] = hsize_t(rows.lowerBound)
    count[0] = hsize_t(rows.count)
    try check("H5Sselect_hyperslab") {
      H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &count, nil)
    }
  }

  /// Closes a dataspace id, ignoring failure because the caller is already done with it.
  func closeQuietly(space: hid_t) {
    HDF5Library.perform { _ = H5Sclose(space) }
  }

  /// Closes a datatype id, ignoring failure because the caller is already done with it.
  func closeQuietly(type: hid_t) {
    HDF5Library.perform { _ = H5Tclose(type) }
  }

  /// Closes a property list id, ignoring failure because the caller is already done with it.
  func closeQuietly(propertyList: hid_t) {
    HDF5Library.perform { _ = H5Pclose(propertyList) }
  }
}
