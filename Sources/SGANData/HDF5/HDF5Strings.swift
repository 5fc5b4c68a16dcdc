import CHDF5
import Foundation

/// String conversion shared by string datasets and string attributes.
extension HDF5Context {
  /// Calls `body` with a C `char *` array of copies of `strings`, the buffer layout of a
  /// variable-length string type. The copies are freed afterwards.
  func withCStringArray<Result>(
    _ strings: [String], _ body: (UnsafeMutableRawPointer) throws -> Result
  ) rethrows -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer {
      for pointer in pointers { free(pointer) }
    }
    return try pointers.withUnsafeMutableBytes { try body($0.baseAddress!) }
  }

  /// Reads `count` strings of the stored string type `storedType` through `read`, which is
  /// given a memory type and a destination buffer and performs `H5Dread` or `H5Aread`.
  ///
  /// Variable-length strings come back as `char *` that HDF5 allocated; `H5Dvlen_reclaim`
  /// frees them. Fixed-length strings come back as `count` records of the stored size, each
  /// cut at its first NUL byte. Bytes that are not valid UTF-8 are replaced by U+FFFD.
  func readStrings(
    storedType: hid_t, count: Int, call: String, read: (hid_t, UnsafeMutableRawPointer) -> herr_t
  ) throws -> [String] {
    guard count > 0 else { return [] }
    let variable = try check("H5Tis_variable_str") { H5Tis_variable_str(storedType) } > 0
    let characterSet = try check("H5Tget_cset", failsWhen: { $0 == H5T_CSET_ERROR }) {
      H5Tget_cset(storedType)
    }

    if variable {
      let memoryType = try makeVariableStringType()
      defer { closeQuietly(type: memoryType) }
      try check("H5Tset_cset") { H5Tset_cset(memoryType, characterSet) }

      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      try pointers.withUnsafeMutableBytes { buffer in
        _ = try check(call) { read(memoryType, buffer.baseAddress!) }
      }
      let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }

      let space = try createSpace(shape: [count])
      defer { closeQuietly(space: space) }
      try pointers.withUnsafeMutableBytes { buffer in
        _ = try check("H5Dvlen_reclaim") {
          H5Dvlen_reclaim(memoryType, space, HDF5Library.defaultPropertyList, buffer.baseAddress)
        }
      }
      return strings
    }

    let size = try check("H5Tget_size", failsWhen: { $0 == 0 }) { H5Tget_size(storedType) }
    let memoryType = try check("H5Tcopy") { H5Tcopy(storedType) }
    defer { closeQuietly(type: memoryType) }
    var bytes = [UInt8](repeating: 0, count: size * count)
    try bytes.withUnsafeMutableBytes { buffer in
      _ = try check(call) { read(memoryType, buffer.baseAddress!) }
    }
    return (0..<count).map { index in
      let record = bytes[(index * size)..<((index + 1) * size)]
      let text = record.prefix { $0 != 0 }
      return String(decoding: text, as: UTF8.self)
    }
  }
}
