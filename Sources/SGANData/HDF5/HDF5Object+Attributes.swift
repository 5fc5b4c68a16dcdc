import CHDF5

/// Attributes on files, groups and datasets: numeric scalars and arrays, strings and string
/// arrays. Writing an attribute that exists replaces it.
///
/// Numbers are stored as scalar attributes, which h5py returns as numpy scalars; arrays as
/// one-dimensional attributes. Strings are variable-length UTF-8, which h5py returns as `str`.
extension HDF5Object {
  /// Reports whether the object has an attribute `name` (`H5Aexists`).
  public func hasAttribute(_ name: String) throws -> Bool {
    let id = self.id
    return try context.attribute(name).check("H5Aexists") { H5Aexists(id, name) } > 0
  }

  /// Writes the scalar numeric attribute `name`.
  public func writeAttribute<Value: HDF5Numeric>(_ name: String, _ value: Value) throws {
    let attributeContext = context.attribute(name)
    let space = try attributeContext.createScalarSpace()
    defer { attributeContext.closeQuietly(space: space) }

    let type = HDF5Library.nativeType(Value.hdf5Kind)
    try withUnsafeBytes(of: value) { bytes in
      try writeAttribute(name, type: type, space: space) { attribute in
        H5Awrite(attribute, type, bytes.baseAddress)
      }
    }
  }

  /// Writes the one-dimensional numeric attribute `name`.
  public func writeAttribute<Value: HDF5Numeric>(_ name: String, _ values: [Value]) throws {
    let attributeContext = context.attribute(name)
    let space = try attributeContext.createSpace(shape: [values.count])
    defer { attributeContext.closeQuietly(space: space) }

    let type = HDF5Library.nativeType(Value.hdf5Kind)
    try writeAttribute(name, type: type, space: space) { attribute in
      values.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) }
    }
  }

  /// Writes the string attribute `name` as one variable-length UTF-8 string.
  public func writeAttribute(_ name: String, _ value: String) throws {
    let attributeContext = context.attribute(name)
    let space = try attributeContext.createScalarSpace()
    defer { attributeContext.closeQuietly(space: space) }
    let type = try attributeContext.makeVariableStringType()
    defer { attributeContext.closeQuietly(type: type) }

    try attributeContext.withCStringArray([value]) { buffer in
      try writeAttribute(name, type: type, space: space) { H5Awrite($0, type, buffer) }
    }
  }

  /// Writes the attribute `name` as a one-dimensional array of variable-length UTF-8 strings.
  public func writeAttribute(_ name: String, _ values: [String]) throws {
    let attributeContext = context.attribute(name)
    let space = try attributeContext.createSpace(shape: [values.count])
    defer { attributeContext.closeQuietly(space: space) }
    let type = try attributeContext.makeVariableStringType()
    defer { attributeContext.closeQuietly(type: type) }

    try attributeContext.withCStringArray(values) { buffer in
      try writeAttribute(name, type: type, space: space) { H5Awrite($0, type, buffer) }
    }
  }

  /// Reads the numeric attribute `name`, which must hold exactly one value.
  public func readAttribute<Value: HDF5Numeric>(_ name: String, as valueType: Value.Type)
    throws -> Value
  {
    let values = try readAttribute(name, as: [Value].self)
    guard values.count == 1 else {
      throw HDF5Error(
        call: "H5Aread", file: filePath, object: context.attribute(name).object,
        messages: ["attribute holds \(values.count) values where one was expected"])
    }
    return values[0]
  }

  /// Reads the numeric attribute `name` as an array; a scalar attribute gives one value.
  public func readAttribute<Value: HDF5Numeric>(_ name: String, as valueType: [Value].Type)
    throws -> [Value]
  {
    try withAttribute(name) { attribute, attributeContext, count in
      let type = HDF5Library.nativeType(Value.hdf5Kind)
      var values = [Value](repeating: .zero, count: count)
      try values.withUnsafeMutableBytes { buffer in
        _ = try attributeContext.check("H5Aread") { H5Aread(attribute, type, buffer.baseAddress) }
      }
      return values
    }
  }

  /// Reads the string attribute `name`, which must hold exactly one string.
  public func readAttribute(_ name: String, as valueType: String.Type) throws -> String {
    let values = try readAttribute(name, as: [String].self)
    guard values.count == 1 else {
      throw HDF5Error(
        call: "H5Aread", file: filePath, object: context.attribute(name).object,
        messages: ["attribute holds \(values.count) strings where one was expected"])
    }
    return values[0]
  }

  /// Reads the string attribute `name` as an array, of variable or fixed length.
  public func readAttribute(_ name: String, as valueType: [String].Type) throws -> [String] {
    try withAttribute(name) { attribute, attributeContext, count in
      let storedType = try attributeContext.check("H5Aget_type") { H5Aget_type(attribute) }
      defer { attributeContext.closeQuietly(type: storedType) }
      return try attributeContext.readStrings(
        storedType: storedType, count: count, call: "H5Aread"
      ) { memoryType, buffer in
        H5Aread(attribute, memoryType, buffer)
      }
    }
  }

  /// Returns the stored element type of attribute `name`.
  public func attributeType(_ name: String) throws -> HDF5StoredType {
    try withAttribute(name) { attribute, attributeContext, _ in
      let storedType = try attributeContext.check("H5Aget_type") { H5Aget_type(attribute) }
      defer { attributeContext.closeQuietly(type: storedType) }
      return try HDF5StoredType.describe(storedType, context: attributeContext)
    }
  }

  // MARK: Internals

  /// Deletes any attribute `name`, creates it with `type` and `space`, and runs `write`.
  private func writeAttribute(
    _ name: String, type: hid_t, space: hid_t, write: (hid_t) -> herr_t
  ) throws {
    let attributeContext = context.attribute(name)
    let id = self.id
    if try hasAttribute(name) {
      try attributeContext.check("H5Adelete") { H5Adelete(id, name) }
    }

    let attribute = try attributeContext.check("H5Acreate2") {
      H5Acreate2(
        id, name, type, space, HDF5Library.defaultPropertyList, HDF5Library.defaultPropertyList)
    }
    let handle = HDF5Handle(
      id: attribute, kind: .attribute, context: attributeContext, fileHandle: nil)
    try attributeContext.check("H5Awrite") { write(attribute) }
    try handle.close()
  }

  /// Opens attribute `name` and runs `body` with its id, context and number of elements.
  private func withAttribute<Result>(
    _ name: String, _ body: (hid_t, HDF5Context, Int) throws -> Result
  ) throws -> Result {
    let attributeContext = context.attribute(name)
    let id = self.id
    let attribute = try attributeContext.check("H5Aopen") {
      H5Aopen(id, name, HDF5Library.defaultPropertyList)
    }
    let handle = HDF5Handle(
      id: attribute, kind: .attribute, context: attributeContext, fileHandle: nil)

    let space = try attributeContext.check("H5Aget_space") { H5Aget_space(attribute) }
    defer { attributeContext.closeQuietly(space: space) }
    let count = try attributeContext.check("H5Sget_simple_extent_npoints") {
      H5Sget_simple_extent_npoints(space)
    }

    let result = try body(attribute, attributeContext, Int(count))
    try handle.close()
    return result
  }
}
