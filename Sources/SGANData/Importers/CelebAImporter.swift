/// An importer for CelebA folders laid out like the official release.
///
///     ROOT/img_align_celeba/000001.jpg ...       (JPEG release)
///     ROOT/img_align_celeba_png/000001.png ...   (PNG release)
///     ROOT/list_eval_partition.txt   NAME PARTITION        partition 0, 1 or 2
///     ROOT/list_attr_celeba.txt      COUNT / NAMES / NAME V1 ... VK with V in {-1, 1}
///     ROOT/identity_CelebA.txt       NAME IDENTITY
///
/// Each annotation file is optional. Rows may come in any order and are
/// matched to images by file stem, because the PNG release keeps the `.jpg`
/// names in its annotation files. Items come out in the sorted order of the
/// image file names (by UTF-8 bytes), and every metadata array is aligned
/// row for row with them. Hidden files, files with other extensions and
/// subfolders in the image folder are skipped and listed in `strayFiles`.
public enum CelebAImporter {
  /// The image folder to read.
  public enum ImageFolder: String, Sendable, CaseIterable {
    /// `img_align_celeba` when present, else `img_align_celeba_png`.
    case automatic
    /// `img_align_celeba`, the JPEG release.
    case jpeg = "img_align_celeba"
    /// `img_align_celeba_png`, the PNG release.
    case png = "img_align_celeba_png"
  }

  /// File name of the partition list.
  public static let partitionFileName = "list_eval_partition.txt"

  /// File name of the attribute list.
  public static let attributeFileName = "list_attr_celeba.txt"

  /// File name of the identity list.
  public static let identityFileName = "identity_CelebA.txt"

  /// Lists the images under `root` and reads the annotation files present.
  ///
  /// - Parameters:
  ///   - root: the CelebA folder.
  ///   - split: the partition to keep; any split but `.all` needs
  ///     `list_eval_partition.txt`.
  ///   - imageFolder: which release's folder to read.
  /// - Throws: `ImportError` naming the file and line of the first problem.
  ///   Problems are a missing or extra row, a duplicate name, a wrong column
  ///   count, a header count that disagrees with the rows, a value out of
  ///   range, and an image folder without images.
  public static func importDataset(
    root: String, split: Split = .all, imageFolder: ImageFolder = .automatic
  ) throws -> ImportedDataset {
    guard isDirectory(atPath: root) else { throw ImportError.notADirectory(path: root) }
    let folderName = try resolveFolder(root: root, choice: imageFolder)
    let folderPath = root + "/" + folderName

    var imageNames: [String] = []
    var strayFiles: [String] = []
    for entry in try listDirectory(atPath: folderPath) {
      if !entry.isDirectory && isImageFileName(entry.name) {
        imageNames.append(entry.name)
      } else {
        strayFiles.append(folderName + "/" + entry.name + (entry.isDirectory ? "/" : ""))
      }
    }
    if imageNames.isEmpty {
      throw ImportError.noImages(folder: folderPath, strayCount: strayFiles.count)
    }

    var rowOfStem: [String: Int] = [:]
    rowOfStem.reserveCapacity(imageNames.count)
    for (row, name) in imageNames.enumerated() {
      let stem = fileStem(name)
      if let earlier = rowOfStem[stem] {
        throw ImportError.duplicateImageStem(
          folder: folderPath, first: imageNames[earlier], second: name)
      }
      rowOfStem[stem] = row
    }

    let items = imageNames.map { name in
      ImportItem(name: name, source: .file(path: folderPath + "/" + name))
    }
    var dataset = ImportedDataset(kind: .celebA, items: items, strayFiles: strayFiles)
    let table = CelebAAnnotationTable(rowOfStem: rowOfStem, imageNames: imageNames)

    let partitionPath = root + "/" + partitionFileName
    if fileExists(atPath: partitionPath) {
      dataset.partitions = try table.readPartitions(path: partitionPath)
    }
    let attributePath = root + "/" + attributeFileName
    if fileExists(atPath: attributePath) {
      let (names, values) = try table.readAttributes(path: attributePath)
      dataset.attributeNames = names
      dataset.attributes = values
    }
    let identityPath = root + "/" + identityFileName
    if fileExists(atPath: identityPath) {
      dataset.identities = try table.readIdentities(path: identityPath)
    }

    return try dataset.filtered(to: split)
  }

  private static func resolveFolder(root: String, choice: ImageFolder) throws -> String {
    switch choice {
    case .jpeg, .png:
      guard isDirectory(atPath: root + "/" + choice.rawValue) else {
        throw ImportError.missingImageFolder(root: root, expected: [choice.rawValue])
      }
      return choice.rawValue
    case .automatic:
      for candidate in [ImageFolder.jpeg, .png]
      where isDirectory(atPath: root + "/" + candidate.rawValue) {
        return candidate.rawValue
      }
      throw ImportError.missingImageFolder(
        root: root, expected: [ImageFolder.jpeg.rawValue, ImageFolder.png.rawValue])
    }
  }
}

/// Returns whether anything exists at `path`.
func fileExists(atPath path: String) -> Bool {
  fileIdentity(atPath: path) != nil
}
