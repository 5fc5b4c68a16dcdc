/// One IDX images file, with its optional labels file and partition.
public struct IDXSource: Sendable, Equatable {
  /// Path of the `[n, rows, columns]` images file (0x00000803).
  public var imagesPath: String

  /// Path of the `[n]` labels file (0x00000801), or nil.
  public var labelsPath: String?

  /// Partition of every image in the file (0 train, 1 validation, 2 test), or nil.
  public var partition: UInt8?

  /// Creates a source.
  public init(imagesPath: String, labelsPath: String? = nil, partition: UInt8? = nil) {
    self.imagesPath = imagesPath
    self.labelsPath = labelsPath
    self.partition = partition
  }
}

/// An importer that turns MNIST-style IDX files into one ordered list of
/// in-memory images.
public enum IDXImporter {
  /// Reads each source in order and concatenates their images.
  ///
  /// Importing Fashion-MNIST's train and t10k files with partitions 0 and 2
  /// gives one 70,000-image list with the test images last. Items are named
  /// `FILE[INDEX]` with the images file's base name and the 0-based index
  /// inside it. Each item is a 1-channel image.
  ///
  /// - Throws: `ImportError` for a wrong magic number, truncated data, a
  ///   label count that differs from the image count, images of different
  ///   sizes across files, or labels or partitions given for only some sources.
  public static func importDataset(_ sources: [IDXSource]) throws -> ImportedDataset {
    precondition(!sources.isEmpty, "IDX import needs at least one source")
    let withLabels = sources.filter { $0.labelsPath != nil }.count
    if withLabels != 0 && withLabels != sources.count {
      throw ImportError.inconsistentIDXSources(
        reason: "\(withLabels) of \(sources.count) images files have a labels file; "
          + "give one for every images file or for none")
    }
    let withPartition = sources.filter { $0.partition != nil }.count
    if withPartition != 0 && withPartition != sources.count {
      throw ImportError.inconsistentIDXSources(
        reason: "\(withPartition) of \(sources.count) images files have a partition; "
          + "give one for every images file or for none")
    }

    var items: [ImportItem] = []
    var labels: [Int32] = []
    var partitions: [UInt8] = []
    var imageSize: (rows: Int, columns: Int, path: String)?
    for source in sources {
      let images = try IDXFile(path: source.imagesPath, expectedMagic: IDXFile.imagesMagic)
      let (count, rows, columns) = (
        images.dimensions[0], images.dimensions[1], images.dimensions[2]
      )
      if rows == 0 || columns == 0 {
        throw ImportError.inconsistentIDXSources(
          reason: "'\(source.imagesPath)' declares \(columns)x\(rows) images")
      }
      if let size = imageSize, size.rows != rows || size.columns != columns {
        throw ImportError.inconsistentIDXSources(
          reason: "'\(source.imagesPath)' holds \(columns)x\(rows) images but '\(size.path)' "
            + "holds \(size.columns)x\(size.rows)")
      }
      imageSize = (rows, columns, source.imagesPath)

      if let labelsPath = source.labelsPath {
        let labelFile = try IDXFile(path: labelsPath, expectedMagic: IDXFile.labelsMagic)
        if labelFile.dimensions[0] != count {
          throw ImportError.idxCountMismatch(
            imagesPath: source.imagesPath, imageCount: count, labelsPath: labelsPath,
            labelCount: labelFile.dimensions[0])
        }
        labels.append(contentsOf: labelFile.data.map { Int32($0) })
      }
      if let partition = source.partition {
        partitions.append(contentsOf: repeatElement(partition, count: count))
      }

      let baseName = source.imagesPath.split(separator: "/").last.map(String.init) ?? ""
      let imageBytes = rows * columns
      items.reserveCapacity(items.count + count)
      for index in 0..<count {
        let start = index * imageBytes
        let image = Image(
          width: columns, height: rows, channels: 1,
          pixels: Array(images.data[start..<start + imageBytes]))
        items.append(ImportItem(name: "\(baseName)[\(index)]", source: .pixels(image)))
      }
    }

    var dataset = ImportedDataset(kind: .idx, items: items)
    dataset.labels = withLabels > 0 ? labels : nil
    dataset.partitions = withPartition > 0 ? partitions : nil
    return dataset
  }
}
