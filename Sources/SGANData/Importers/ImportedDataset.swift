/// The origin of one item's pixels.
public enum ImageSource: Sendable, Equatable {
  /// A JPEG or PNG file, decoded later by the pipeline.
  case file(path: String)

  /// Pixels already in memory, such as one image of an IDX file.
  case pixels(Image)
}

/// One image to pack.
public struct ImportItem: Sendable, Equatable {
  /// The name stored in the dataset's filenames: the file name relative to
  /// the source root, or `FILE[INDEX]` for an image inside an IDX file.
  public var name: String

  /// The origin of the pixels.
  public var source: ImageSource

  /// Creates an item.
  public init(name: String, source: ImageSource) {
    self.name = name
    self.source = source
  }
}

/// The kind of source an importer read.
public enum SourceKind: String, Sendable {
  case celebA = "celeba"
  case idx
  case folder
}

/// A subset of the official partition.
public enum Split: String, Sendable, CaseIterable {
  case train
  case validation
  case test
  case all

  /// The partition value of the split: 0 train, 1 validation, 2 test; nil for all.
  public var partition: UInt8? {
    switch self {
    case .train: return 0
    case .validation: return 1
    case .test: return 2
    case .all: return nil
    }
  }
}

/// The ordered items of a source and their per-item metadata.
///
/// Every metadata array that is present has one entry per item, in item
/// order, so row i of each array describes `items[i]`.
public struct ImportedDataset: Sendable {
  /// The importer that produced the dataset.
  public var kind: SourceKind

  /// The items to pack, in packing order.
  public var items: [ImportItem]

  /// Partition per item, `[count]`: 0 train, 1 validation, 2 test.
  public var partitions: [UInt8]?

  /// Names of the binary attributes, `[K]`; empty when there are none.
  public var attributeNames: [String]

  /// Attribute values, `[count, K]` row-major, each -1 or 1.
  public var attributes: [Int8]?

  /// Class label per item, `[count]`, indexing `labelNames` when that is set.
  public var labels: [Int32]?

  /// Names of the classes, indexed by label; nil when labels are plain numbers.
  public var labelNames: [String]?

  /// Identity per item, `[count]`, such as CelebA's person id.
  public var identities: [Int32]?

  /// Files under the source root that were skipped because they are not
  /// images (by name), relative to the root, in sorted order.
  public var strayFiles: [String]

  /// Creates a dataset with only items; metadata starts empty.
  public init(kind: SourceKind, items: [ImportItem], strayFiles: [String] = []) {
    self.kind = kind
    self.items = items
    self.partitions = nil
    self.attributeNames = []
    self.attributes = nil
    self.labels = nil
    self.labelNames = nil
    self.identities = nil
    self.strayFiles = strayFiles
  }

  /// Items in the dataset.
  public var count: Int { items.count }

  /// Returns the rows whose partition matches `split`, with every metadata
  /// array cut to the same rows. `.all` returns the dataset unchanged.
  ///
  /// - Throws: `ImportError.splitWithoutPartitions` when a split other than
  ///   `.all` is requested from a source without partition information.
  public func filtered(to split: Split) throws -> ImportedDataset {
    guard let wanted = split.partition else { return self }
    guard let partitions else { throw ImportError.splitWithoutPartitions(split: split.rawValue) }
    let rows = partitions.indices.filter { partitions[$0] == wanted }
    return selectingRows(rows)
  }

  /// Returns the given rows, in the given order, of the items and of every
  /// metadata array.
  public func selectingRows(_ rows: [Int]) -> ImportedDataset {
    var result = self
    result.items = rows.map { items[$0] }
    result.partitions = partitions.map { values in rows.map { values[$0] } }
    result.labels = labels.map { values in rows.map { values[$0] } }
    result.identities = identities.map { values in rows.map { values[$0] } }
    if let attributes {
      let width = attributeNames.count
      var selected: [Int8] = []
      selected.reserveCapacity(rows.count * width)
      for row in rows { selected.append(contentsOf: attributes[row * width..<(row + 1) * width]) }
      result.attributes = selected
    }
    return result
  }
}
