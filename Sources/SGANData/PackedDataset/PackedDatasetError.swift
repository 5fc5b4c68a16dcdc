/// A packed dataset file that cannot be read as format version 1, or a request it cannot
/// serve. Each case names the file and what is wrong with it.
public enum PackedDatasetError: Error, CustomStringConvertible, Equatable, Sendable {
  case fileNotFound(path: String)
  case isFolder(path: String)
  case notHDF5(path: String)
  case missingDataset(path: String, dataset: String)
  case missingAttribute(path: String, object: String, attribute: String)
  case unsupportedVersion(path: String, found: Int)
  case wrongRank(path: String, dataset: String, expected: Int, found: [Int])
  case wrongElementType(path: String, dataset: String, expected: String, found: String)
  case lengthMismatch(path: String, dataset: String, expected: Int, found: Int)
  case shapeMismatch(path: String, attribute: String, expected: Int, found: Int)
  case noPartition(path: String, split: DatasetSplit)
  case invalidPartitionCode(path: String, row: Int, code: UInt8)
  case splitTooSmall(path: String, split: DatasetSplit, count: Int, batchSize: Int)

  /// Renders what is wrong with which file, and what to do next.
  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "dataset file '\(path)' not found; check the path or create it with sgan-pack"
    case .isFolder(let path):
      return "'\(path)' is a folder, not a dataset file; pass the .h5 file that sgan-pack "
        + "wrote (sgan-pack folder packs a folder of images into one)"
    case .notHDF5(let path):
      return "'\(path)' is not an HDF5 file; pass a dataset file written by sgan-pack"
    case .missingDataset(let path, let dataset):
      return "'\(path)' has no \(dataset) dataset, so it is not a packed dataset; "
        + "repack it with sgan-pack"
    case .missingAttribute(let path, let object, let attribute):
      return "'\(path)' lacks the attribute '\(attribute)' on \(object); repack it with sgan-pack"
    case .unsupportedVersion(let path, let found):
      return "'\(path)' has format_version \(found), but this build reads only version "
        + "\(PackedDatasetFormat.version); repack it or use a matching build"
    case .wrongRank(let path, let dataset, let expected, let found):
      return "\(dataset) in '\(path)' has shape \(found), expected \(expected) dimensions; "
        + "repack it with sgan-pack"
    case .wrongElementType(let path, let dataset, let expected, let found):
      return "\(dataset) in '\(path)' stores \(found), expected \(expected); "
        + "repack it with sgan-pack"
    case .lengthMismatch(let path, let dataset, let expected, let found):
      return "\(dataset) in '\(path)' has \(found) entries, expected \(expected); "
        + "the file is inconsistent, repack it"
    case .shapeMismatch(let path, let attribute, let expected, let found):
      return "attribute \(attribute) of '\(path)' is \(found), but /images implies \(expected); "
        + "the file is inconsistent, repack it"
    case .noPartition(let path, let split):
      return "'\(path)' has no /partition, so split '\(split)' does not exist; use split 'all'"
    case .invalidPartitionCode(let path, let row, let code):
      return "/partition in '\(path)' has code \(code) at row \(row), expected 0, 1 or 2; "
        + "repack it with sgan-pack"
    case .splitTooSmall(let path, let split, let count, let batchSize):
      return "split '\(split)' of '\(path)' has \(count) images, fewer than one batch of "
        + "\(batchSize); use a smaller batch size or another split"
    }
  }
}
