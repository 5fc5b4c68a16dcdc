#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One entry of a directory, with symbolic links resolved.
struct DirectoryEntry {
  /// The entry's name inside its directory.
  let name: String

  /// Whether the entry, after following links, is a directory.
  let isDirectory: Bool

  /// Device and inode of the entry after following links, which identify a
  /// directory reached through two paths.
  let identity: FileIdentity
}

/// A file's device and inode numbers.
struct FileIdentity: Hashable {
  let device: UInt64
  let inode: UInt64
}

/// Image file extensions the importers accept, compared lowercased.
let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

/// Returns whether a name is an image file name the importers accept:
/// a .jpg, .jpeg or .png extension in any case, and not hidden.
///
/// Hidden names (leading dot) are excluded because macOS copies leave
/// `._NAME.jpg` resource-fork files beside the real images, and those are
/// not JPEGs.
func isImageFileName(_ name: String) -> Bool {
  !name.hasPrefix(".") && imageExtensions.contains(fileExtension(name))
}

/// Returns whether `path` exists and, after following links, is a directory.
func isDirectory(atPath path: String) -> Bool {
  var status = stat()
  return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
}

/// Returns the identity of the file or directory at `path`, following links.
func fileIdentity(atPath path: String) -> FileIdentity? {
  var status = stat()
  guard stat(path, &status) == 0 else { return nil }
  return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
}

/// Lists a directory, without "." and "..", sorted by the UTF-8 bytes of
/// the names so that the order is the same on every machine and locale.
///
/// An entry whose link target is missing is listed as a file.
/// - Throws: `ImportError.notADirectory` or `.unreadableDirectory`.
func listDirectory(atPath path: String) throws -> [DirectoryEntry] {
  guard isDirectory(atPath: path) else { throw ImportError.notADirectory(path: path) }
  guard let directory = opendir(path) else {
    throw ImportError.unreadableDirectory(path: path, reason: String(cString: strerror(errno)))
  }
  defer { closedir(directory) }

  var entries: [DirectoryEntry] = []
  while let entry = readdir(directory) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    if name == "." || name == ".." { continue }

    var status = stat()
    let fullPath = path + "/" + name
    let found = stat(fullPath, &status) == 0
    entries.append(
      DirectoryEntry(
        name: name,
        isDirectory: found && (status.st_mode & S_IFMT) == S_IFDIR,
        identity: FileIdentity(
          device: found ? UInt64(status.st_dev) : 0, inode: found ? UInt64(status.st_ino) : 0)))
  }
  entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
  return entries
}

/// Returns whether `a` sorts before `b` by UTF-8 bytes.
func precedesByBytes(_ a: String, _ b: String) -> Bool {
  a.utf8.lexicographicallyPrecedes(b.utf8)
}
