import CHDF5

/// An open HDF5 file, which is also its root group `/`.
///
/// `close()` throws while a group, dataset or attribute of the file is still open, so a writer
/// that closes before it renames knows that HDF5 has let go of the file. Files also open with
/// HDF5's `H5F_CLOSE_SEMI` close degree, which has the same rule. Releasing the last reference
/// closes the file too, after every object inside it.
public final class HDF5File: HDF5Group {
  /// The access an existing file is opened with.
  public enum AccessMode: Sendable {
    case readOnly
    case readWrite
  }

  /// Creates a new HDF5 file at `path` (`H5Fcreate`), replacing an existing one only when
  /// `overwrite` is `true`.
  public static func create(path: String, overwrite: Bool = false) throws -> HDF5File {
    let context = HDF5Context(file: path, object: "/")
    let accessList = try makeAccessList(context: context)
    defer { context.closeQuietly(propertyList: accessList) }

    let flags = overwrite ? HDF5Library.accessTruncate : HDF5Library.accessExclusive
    let id = try context.check("H5Fcreate") {
      H5Fcreate(path, flags, HDF5Library.defaultPropertyList, accessList)
    }
    return HDF5File(handle: HDF5Handle(id: id, kind: .file, context: context, fileHandle: nil))
  }

  /// Opens the existing HDF5 file at `path` (`H5Fopen`).
  ///
  /// A missing file, a file that is not HDF5 and a file without read permission all throw
  /// `HDF5Error` with HDF5's reason in `messages`.
  public static func open(path: String, mode: AccessMode = .readOnly) throws -> HDF5File {
    let context = HDF5Context(file: path, object: "/")
    let accessList = try makeAccessList(context: context)
    defer { context.closeQuietly(propertyList: accessList) }

    let flags = mode == .readOnly ? HDF5Library.accessReadOnly : HDF5Library.accessReadWrite
    let id = try context.check("H5Fopen") { H5Fopen(path, flags, accessList) }
    return HDF5File(handle: HDF5Handle(id: id, kind: .file, context: context, fileHandle: nil))
  }

  /// Reports whether `path` starts with an HDF5 signature (`H5Fis_hdf5`); throws when the
  /// file cannot be read at all, such as a missing file.
  public static func isHDF5(path: String) throws -> Bool {
    let context = HDF5Context(file: path, object: "/")
    return try context.check("H5Fis_hdf5") { H5Fis_hdf5(path) } > 0
  }

  /// Writes HDF5's buffers for this file to the operating system (`H5Fflush`). It does not
  /// call `fsync`; `AtomicOutputFile` does that before renaming.
  public func flush() throws {
    let id = self.id
    try context.check("H5Fflush") { H5Fflush(id, H5F_SCOPE_LOCAL) }
  }

  /// Returns a file-access property list with the `H5F_CLOSE_SEMI` close degree.
  private static func makeAccessList(context: HDF5Context) throws -> hid_t {
    let accessList = try context.check("H5Pcreate") { H5Pcreate(HDF5Library.fileAccessClass) }
    do {
      try context.check("H5Pset_fclose_degree") {
        H5Pset_fclose_degree(accessList, H5F_CLOSE_SEMI)
      }
    } catch {
      context.closeQuietly(propertyList: accessList)
      throw error
    }
    return accessList
  }
}
