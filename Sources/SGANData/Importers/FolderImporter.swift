/// An importer for every JPEG and PNG file under a folder, at any depth.
///
/// Files count as images by extension: .jpg, .jpeg or .png in any case,
/// not hidden (no leading dot). Decoding later checks the magic bytes, so a
/// misnamed file still fails then. Other files are skipped and listed in
/// `strayFiles`. Hidden folders (such as `.git`) are skipped whole, and a
/// folder reached twice through symbolic links is read once.
///
/// Items are sorted by their path relative to the root, compared as UTF-8
/// bytes, so the order does not depend on the file system or the locale.
///
/// With `labelsFromSubfolders`, each image's class is its first-level
/// subfolder, `ROOT/CLASS/.../image.png`. Class indices follow the sorted
/// (UTF-8 byte order) names of the first-level subfolders that contain at
/// least one image, starting at 0; `labelNames` lists those names. An image
/// directly under the root is then an error.
public enum FolderImporter {
  /// Lists the images under `root`.
  ///
  /// - Throws: `ImportError.notADirectory`, `.unreadableDirectory`,
  ///   `.noImages` when no image is found, and `.imageOutsideClassFolder`
  ///   with `labelsFromSubfolders` when an image sits directly in `root`.
  public static func importDataset(
    root: String, labelsFromSubfolders: Bool = false
  ) throws -> ImportedDataset {
    var walk = FolderWalk(root: root)
    try walk.visit(relativePath: "")
    if walk.images.isEmpty {
      throw ImportError.noImages(folder: root, strayCount: walk.strays.count)
    }

    let imagePaths = walk.images.sorted(by: precedesByBytes)
    let items = imagePaths.map { relative in
      ImportItem(name: relative, source: .file(path: root + "/" + relative))
    }
    var dataset = ImportedDataset(
      kind: .folder, items: items, strayFiles: walk.strays.sorted(by: precedesByBytes))
    guard labelsFromSubfolders else { return dataset }

    var classOfImage: [String] = []
    for relative in imagePaths {
      guard let slash = relative.firstIndex(of: "/") else {
        throw ImportError.imageOutsideClassFolder(root: root, file: relative)
      }
      classOfImage.append(String(relative[..<slash]))
    }
    let classNames = Set(classOfImage).sorted(by: precedesByBytes)
    let indexOfClass = Dictionary(
      uniqueKeysWithValues: classNames.enumerated().map { ($1, Int32($0)) })
    dataset.labels = classOfImage.map { indexOfClass[$0]! }
    dataset.labelNames = classNames
    return dataset
  }
}

/// A depth-first walk that collects image and stray paths relative to a root.
private struct FolderWalk {
  let root: String
  var images: [String] = []
  var strays: [String] = []
  var visited: Set<FileIdentity> = []

  init(root: String) {
    self.root = root
  }

  mutating func visit(relativePath: String) throws {
    let path = relativePath.isEmpty ? root : root + "/" + relativePath
    if let identity = fileIdentity(atPath: path) {
      if visited.contains(identity) { return }
      visited.insert(identity)
    }

    for entry in try listDirectory(atPath: path) {
      let relative = relativePath.isEmpty ? entry.name : relativePath + "/" + entry.name
      if entry.isDirectory {
        if entry.name.hasPrefix(".") {
          strays.append(relative + "/")
        } else {
          try visit(relativePath: relative)
        }
      } else if isImageFileName(entry.name) {
        images.append(relative)
      } else {
        strays.append(relative)
      }
    }
  }
}
