import CHDF5

/// An HDF5 group: creates, opens and finds groups and datasets below it.
///
/// Names are relative to this group (`images`, `skipped/reasons`) or absolute (`/images`).
/// Creating a nested name creates the missing groups on its path.
public class HDF5Group: HDF5Object {
  /// Creates the group `name` (`H5Gcreate2`).
  public func createGroup(_ name: String) throws -> HDF5Group {
    let childContext = context.child(name)
    let linkList = try childContext.makeLinkCreationList()
    defer { childContext.closeQuietly(propertyList: linkList) }

    let parent = id
    let groupID = try childContext.check("H5Gcreate2") {
      H5Gcreate2(
        parent, name, linkList, HDF5Library.defaultPropertyList,
        HDF5Library.defaultPropertyList)
    }
    return HDF5Group(handle: childHandle(groupID, kind: .group, context: childContext))
  }

  /// Opens the existing group `name` (`H5Gopen2`).
  public func openGroup(_ name: String) throws -> HDF5Group {
    let childContext = context.child(name)
    let parent = id
    let groupID = try childContext.check("H5Gopen2") {
      H5Gopen2(parent, name, HDF5Library.defaultPropertyList)
    }
    return HDF5Group(handle: childHandle(groupID, kind: .group, context: childContext))
  }

  /// Reports whether a link `name` exists below this group, checking each group on a nested
  /// path in turn because `H5Lexists` fails when an intermediate group is missing.
  public func contains(_ name: String) throws -> Bool {
    let components = name.split(separator: "/", omittingEmptySubsequences: true)
    var prefix = name.hasPrefix("/") ? "/" : ""
    let parent = id
    for component in components {
      prefix += component
      let path = prefix
      let exists = try context.child(path).check("H5Lexists") {
        H5Lexists(parent, path, HDF5Library.defaultPropertyList)
      }
      if exists <= 0 { return false }
      prefix += "/"
    }
    return true
  }

  /// Creates a numeric dataset (`H5Dcreate2`).
  ///
  /// - Parameters:
  ///   - name: The dataset's name.
  ///   - elementType: The Swift type of its elements, such as `UInt8.self`.
  ///   - shape: The initial dimensions; 0 rows is allowed when the first dimension can grow.
  ///   - maximumShape: The dimensions it may grow to, `nil` for unlimited; `nil` as a whole
  ///     means fixed at `shape`. Growable datasets must be chunked.
  ///   - chunkShape: The chunk dimensions, or `nil` for contiguous storage.
  ///   - deflateLevel: The zlib level 1...9, or 0 for none; deflate needs chunks.
  public func createDataset<Element: HDF5Numeric>(
    _ name: String, of elementType: Element.Type, shape: [Int], maximumShape: [Int?]? = nil,
    chunkShape: [Int]? = nil, deflateLevel: Int = 0
  ) throws -> HDF5Dataset {
    let childContext = context.child(name)
    return try createDataset(
      name, type: HDF5Library.nativeType(Element.hdf5Kind), context: childContext,
      shape: shape, maximumShape: maximumShape, chunkShape: chunkShape,
      deflateLevel: deflateLevel)
  }

  /// Creates a one-dimensional dataset of `count` variable-length UTF-8 strings. A `growable`
  /// dataset has no maximum length and needs a `chunkCount`.
  public func createStringDataset(
    _ name: String, count: Int, growable: Bool = false, chunkCount: Int? = nil,
    deflateLevel: Int = 0
  ) throws -> HDF5Dataset {
    let childContext = context.child(name)
    let stringType = try childContext.makeVariableStringType()
    defer { childContext.closeQuietly(type: stringType) }

    let maximumShape: [Int?]? = growable ? [nil] : nil
    return try createDataset(
      name, type: stringType, context: childContext, shape: [count],
      maximumShape: maximumShape, chunkShape: chunkCount.map { [$0] },
      deflateLevel: deflateLevel)
  }

  /// Opens the existing dataset `name` (`H5Dopen2`).
  ///
  /// - Parameter chunkCacheBytes: The size of this dataset's chunk cache, or `nil` for HDF5's
  ///   default of 1 MiB. HDF5 never caches a chunk larger than the cache, so random reads of
  ///   single rows from large compressed chunks need a larger cache.
  public func openDataset(_ name: String, chunkCacheBytes: Int? = nil) throws -> HDF5Dataset {
    let childContext = context.child(name)
    let accessList = try childContext.check("H5Pcreate") {
      H5Pcreate(HDF5Library.datasetAccessClass)
    }
    defer { childContext.closeQuietly(propertyList: accessList) }

    if let chunkCacheBytes {
      // 12421 hash slots is HDF5's documented example for a cache of ~100 chunks or more;
      // a prime slot count keeps chunk indices spread. w0 = 1 evicts fully read chunks first.
      try childContext.check("H5Pset_chunk_cache") {
        H5Pset_chunk_cache(accessList, 12421, chunkCacheBytes, 1.0)
      }
    }

    let parent = id
    let datasetID = try childContext.check("H5Dopen2") { H5Dopen2(parent, name, accessList) }
    return HDF5Dataset(handle: childHandle(datasetID, kind: .dataset, context: childContext))
  }

  // MARK: Internals

  func childHandle(_ id: hid_t, kind: HDF5Handle.Kind, context: HDF5Context) -> HDF5Handle {
    HDF5Handle(id: id, kind: kind, context: context, fileHandle: handle.owningFile)
  }

  private func createDataset(
    _ name: String, type: hid_t, context childContext: HDF5Context, shape: [Int],
    maximumShape: [Int?]?, chunkShape: [Int]?, deflateLevel: Int
  ) throws -> HDF5Dataset {
    precondition((0...9).contains(deflateLevel), "deflate level \(deflateLevel) is not 0...9")
    precondition(
      chunkShape != nil || (maximumShape == nil && deflateLevel == 0),
      "dataset \(childContext.object): a growable or compressed dataset needs a chunk shape")

    let space = try childContext.createSpace(shape: shape, maximumShape: maximumShape)
    defer { childContext.closeQuietly(space: space) }
    let creationList = try childContext.makeDatasetCreationList(
      chunkShape: chunkShape, rank: shape.count, deflateLevel: deflateLevel)
    defer { childContext.closeQuietly(propertyList: creationList) }
    let linkList = try childContext.makeLinkCreationList()
    defer { childContext.closeQuietly(propertyList: linkList) }

    let parent = id
    let datasetID = try childContext.check("H5Dcreate2") {
      H5Dcreate2(
        parent, name, type, space, linkList, creationList, HDF5Library.defaultPropertyList)
    }
    return HDF5Dataset(handle: childHandle(datasetID, kind: .dataset, context: childContext))
  }
}

extension HDF5Context {
  /// Returns a link-creation property list that creates missing intermediate groups.
  func makeLinkCreationList() throws -> hid_t {
    let list = try check("H5Pcreate") { H5Pcreate(HDF5Library.linkCreateClass) }
    do {
      try check("H5Pset_create_intermediate_group") { H5Pset_create_intermediate_group(list, 1) }
    } catch {
      closeQuietly(propertyList: list)
      throw error
    }
    return list
  }

  /// Returns a dataset-creation property list with the chunk shape and deflate filter set.
  func makeDatasetCreationList(chunkShape: [Int]?, rank: Int, deflateLevel: Int) throws -> hid_t {
    let list = try check("H5Pcreate") { H5Pcreate(HDF5Library.datasetCreateClass) }
    do {
      if let chunkShape {
        precondition(
          chunkShape.count == rank && chunkShape.allSatisfy { $0 > 0 },
          "chunk shape \(chunkShape) must have rank \(rank) and positive dimensions")
        var dimensions = chunkShape.map { hsize_t($0) }
        try check("H5Pset_chunk") { H5Pset_chunk(list, Int32(rank), &dimensions) }
      }
      if deflateLevel > 0 {
        try check("H5Pset_deflate") { H5Pset_deflate(list, UInt32(deflateLevel)) }
      }
    } catch {
      closeQuietly(propertyList: list)
      throw error
    }
    return list
  }
}
