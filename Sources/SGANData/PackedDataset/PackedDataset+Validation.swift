/// Checks of the datasets and attributes that `PackedDataset.init` runs before use.
extension PackedDataset {
  static func expectType(
    _ expected: HDF5StoredType, of dataset: HDF5Dataset, path: String
  ) throws {
    let found = try dataset.storedType()
    guard found == expected else {
      throw PackedDatasetError.wrongElementType(
        path: path, dataset: dataset.objectPath, expected: expected.description,
        found: found.description)
    }
  }

  /// Checks the one-dimensional per-image dataset `name`, if present: rank 1, `count`
  /// entries, and element type `type` (`nil`: any string type). Returns whether it exists.
  @discardableResult
  static func expectList(
    _ name: String, in file: HDF5File, path: String, count: Int, type: HDF5StoredType?
  ) throws -> Bool {
    guard try file.contains(name) else { return false }
    let dataset = try file.openDataset(name)
    let shape = try dataset.shape()
    guard shape.count == 1 else {
      throw PackedDatasetError.wrongRank(path: path, dataset: name, expected: 1, found: shape)
    }
    guard shape[0] == count else {
      throw PackedDatasetError.lengthMismatch(
        path: path, dataset: name, expected: count, found: shape[0])
    }

    let found = try dataset.storedType()
    let matches: Bool
    if let type {
      matches = found == type
    } else if case .string = found {
      matches = true
    } else {
      matches = false
    }
    guard matches else {
      throw PackedDatasetError.wrongElementType(
        path: path, dataset: name, expected: type?.description ?? "string",
        found: found.description)
    }
    return true
  }

  /// Checks `/attributes`, if present, and returns its column names.
  static func attributeNames(in file: HDF5File, path: String, count: Int) throws
    -> [String]?
  {
    let name = PackedDatasetFormat.attributes
    guard try file.contains(name) else { return nil }
    let dataset = try file.openDataset(name)
    let shape = try dataset.shape()
    guard shape.count == 2 else {
      throw PackedDatasetError.wrongRank(path: path, dataset: name, expected: 2, found: shape)
    }
    guard shape[0] == count else {
      throw PackedDatasetError.lengthMismatch(
        path: path, dataset: name, expected: count, found: shape[0])
    }
    try expectType(.integer(bytes: 1, signed: true), of: dataset, path: path)

    guard try dataset.hasAttribute(PackedDatasetFormat.namesAttribute) else {
      throw PackedDatasetError.missingAttribute(
        path: path, object: name, attribute: PackedDatasetFormat.namesAttribute)
    }
    let names = try dataset.readAttribute(PackedDatasetFormat.namesAttribute, as: [String].self)
    guard names.count == shape[1] else {
      throw PackedDatasetError.lengthMismatch(
        path: path, dataset: "\(name)@\(PackedDatasetFormat.namesAttribute)", expected: shape[1],
        found: names.count)
    }
    return names
  }
}

/// Reads optional root attributes, turning "absent" into `nil`.
struct RootAttributes {
  let file: HDF5File
  let path: String

  func integer(_ name: String) throws -> Int? {
    guard try file.hasAttribute(name) else { return nil }
    return Int(try file.readAttribute(name, as: Int64.self))
  }

  func string(_ name: String) throws -> String? {
    guard try file.hasAttribute(name) else { return nil }
    return try file.readAttribute(name, as: String.self)
  }

  func requiredString(_ name: String) throws -> String {
    guard let value = try string(name) else {
      throw PackedDatasetError.missingAttribute(path: path, object: "/", attribute: name)
    }
    return value
  }
}
