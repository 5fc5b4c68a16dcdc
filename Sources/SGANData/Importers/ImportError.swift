/// An error from reading a source tree, an annotation file or an IDX file.
///
/// Cases carry the file path and, for annotation files, the 1-based line
/// number, so a message on its own points at the bad input.
public enum ImportError: Error, Equatable, Sendable {
  /// A path that must be a directory is missing or is not a directory.
  case notADirectory(path: String)

  /// A directory could not be listed; `reason` is the system's message.
  case unreadableDirectory(path: String, reason: String)

  /// A file could not be opened or read; `reason` is the system's message.
  case unreadableFile(path: String, reason: String)

  /// The CelebA root has none of the expected image folders.
  case missingImageFolder(root: String, expected: [String])

  /// The image folder contains no image files.
  case noImages(folder: String, strayCount: Int)

  /// Two image files share a stem, such as `000001.jpg` and `000001.png`.
  case duplicateImageStem(folder: String, first: String, second: String)

  /// An image has no row in an annotation file.
  case missingAnnotationRow(file: String, image: String, missingCount: Int)

  /// An annotation row names an image that is not in the image folder.
  case extraAnnotationRow(file: String, line: Int, name: String)

  /// An annotation row names the same image as an earlier row.
  case duplicateAnnotationRow(file: String, line: Int, name: String, firstLine: Int)

  /// A row has the wrong number of whitespace-separated columns.
  case wrongColumnCount(file: String, line: Int, expected: Int, found: Int)

  /// A header line is missing or malformed.
  case invalidHeader(file: String, line: Int, reason: String)

  /// The count on the first line disagrees with the number of rows.
  case headerCountMismatch(file: String, declared: Int, rows: Int)

  /// A value is not a number or is outside its allowed set.
  case invalidValue(file: String, line: Int, column: Int, value: String, allowed: String)

  /// An IDX file starts with an unexpected magic number.
  case idxWrongMagic(path: String, found: UInt32, expected: UInt32)

  /// An IDX file's data section is shorter or longer than its header states.
  case idxSizeMismatch(path: String, expectedBytes: Int, foundBytes: Int)

  /// An images file and its labels file hold different numbers of items.
  case idxCountMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)

  /// Some IDX sources have labels or partitions and others do not.
  case inconsistentIDXSources(reason: String)

  /// A gzip stream is corrupt or ends early; `message` comes from zlib.
  case gzipFailed(path: String, message: String)

  /// A folder-labelled source has an image directly under the root.
  case imageOutsideClassFolder(root: String, file: String)

  /// A split other than all was requested from a source without partitions.
  case splitWithoutPartitions(split: String)
}

extension ImportError: CustomStringConvertible {
  /// A one-line message naming the file, the line and the failing value.
  public var description: String {
    switch self {
    case .notADirectory(let path):
      return "'\(path)' is not a directory; check the path"
    case .unreadableDirectory(let path, let reason):
      return "cannot list '\(path)': \(reason)"
    case .unreadableFile(let path, let reason):
      return "cannot read '\(path)': \(reason)"
    case .missingImageFolder(let root, let expected):
      let names = expected.map { "'\($0)'" }.joined(separator: " or ")
      return "'\(root)' has no \(names) folder; point the path at the CelebA root"
    case .noImages(let folder, let strayCount):
      return "'\(folder)' contains no .jpg, .jpeg or .png files (\(strayCount) other entries)"
    case .duplicateImageStem(let folder, let first, let second):
      return "'\(folder)' contains both '\(first)' and '\(second)'; annotation rows match "
        + "images by name without extension, so keep only one"
    case .missingAnnotationRow(let file, let image, let missingCount):
      let others = missingCount > 1 ? " (and \(missingCount - 1) more images)" : ""
      return "'\(file)' has no row for image '\(image)'\(others); "
        + "use the annotation file that matches the image folder"
    case .extraAnnotationRow(let file, let line, let name):
      return "'\(file)' line \(line): '\(name)' has no image file; "
        + "remove the row or restore the image"
    case .duplicateAnnotationRow(let file, let line, let name, let firstLine):
      return "'\(file)' line \(line): '\(name)' already has a row on line \(firstLine)"
    case .wrongColumnCount(let file, let line, let expected, let found):
      return "'\(file)' line \(line): expected \(expected) columns, found \(found)"
    case .invalidHeader(let file, let line, let reason):
      return "'\(file)' line \(line): \(reason)"
    case .headerCountMismatch(let file, let declared, let rows):
      return "'\(file)' line 1 declares \(declared) rows, but the file has \(rows)"
    case .invalidValue(let file, let line, let column, let value, let allowed):
      return "'\(file)' line \(line), column \(column): '\(value)' is invalid; expected \(allowed)"
    case .idxWrongMagic(let path, let found, let expected):
      return "'\(path)' starts with magic number \(hex(found)), expected \(hex(expected)) "
        + "(\(expected == IDXFile.imagesMagic ? "an images file" : "a labels file")); "
        + "check that images and labels are not swapped"
    case .idxSizeMismatch(let path, let expectedBytes, let foundBytes):
      if foundBytes < expectedBytes {
        return "'\(path)' is truncated: its header needs \(expectedBytes) bytes of data, "
          + "found \(foundBytes); download the file again"
      }
      return "'\(path)' has \(foundBytes - expectedBytes) bytes after the \(expectedBytes) "
        + "bytes its header declares; check that it is an IDX file"
    case .idxCountMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
      return "'\(imagesPath)' holds \(imageCount) images but '\(labelsPath)' holds "
        + "\(labelCount) labels; pair each images file with its own labels file"
    case .inconsistentIDXSources(let reason):
      return "IDX sources disagree: \(reason)"
    case .gzipFailed(let path, let message):
      return "cannot decompress '\(path)': \(message); download the file again"
    case .imageOutsideClassFolder(let root, let file):
      return "'\(file)' lies directly in '\(root)', but class labels come from first-level "
        + "subfolders; move it into a class folder or import without labels"
    case .splitWithoutPartitions(let split):
      return "split '\(split)' needs partition information, which this source lacks; "
        + "use split 'all'"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
