import CHDF5

/// An open HDF5 id that closes itself when the last reference goes away.
///
/// A child object (group, dataset) keeps its file's handle alive, so ARC never closes a file
/// before the objects inside it. This matters because files open with the `H5F_CLOSE_SEMI`
/// degree, under which `H5Fclose` fails while objects are still open.
final class HDF5Handle {
  enum Kind {
    case file, group, dataset, attribute

    var closeCall: String {
      switch self {
      case .file: "H5Fclose"
      case .group: "H5Gclose"
      case .dataset: "H5Dclose"
      case .attribute: "H5Aclose"
      }
    }
  }

  private(set) var id: hid_t
  let kind: Kind
  let context: HDF5Context

  /// The file's handle, kept alive while this object is open; `nil` for the file itself.
  private let fileHandle: HDF5Handle?

  init(id: hid_t, kind: Kind, context: HDF5Context, fileHandle: HDF5Handle?) {
    self.id = id
    self.kind = kind
    self.context = context
    self.fileHandle = fileHandle
  }

  var isOpen: Bool { id >= 0 }

  /// The handle of the file that contains this object: the file's own handle for a file.
  var owningFile: HDF5Handle { fileHandle ?? self }

  /// Closes the id now; later calls do nothing.
  ///
  /// The id counts as closed even when the close call fails. HDF5 1.10 may free part of the
  /// object before it reports the failure, as for a file whose final flush hits a full disk,
  /// and a second `H5Fclose` on that id crashes inside HDF5. The one failure that leaves a file
  /// fully open, objects of the file still open, is checked before calling `H5Fclose`.
  func close() throws {
    guard isOpen else { return }
    let closing = id
    let kind = self.kind
    if kind == .file {
      try checkNoOpenObjects(file: closing)
    }

    id = -1
    try context.check(kind.closeCall) {
      switch kind {
      case .file: H5Fclose(closing)
      case .group: H5Gclose(closing)
      case .dataset: H5Dclose(closing)
      case .attribute: H5Aclose(closing)
      }
    }
  }

  /// Throws when groups, datasets, named types or attributes of `file` are still open, which
  /// makes `H5Fclose` fail under the `H5F_CLOSE_SEMI` degree.
  private func checkNoOpenObjects(file: hid_t) throws {
    // H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL
    let types: UInt32 = 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020
    let openObjects = try context.check("H5Fget_obj_count") { H5Fget_obj_count(file, types) }
    guard openObjects == 0 else {
      throw HDF5Error(
        call: "H5Fclose", file: context.file, object: context.object,
        messages: ["\(openObjects) objects of the file are still open; close them first"])
    }
  }

  deinit {
    // An error here has no caller to go to; code that needs to know closes explicitly.
    try? close()
  }
}

/// An HDF5 object with a name inside a file: the file's root group, a group or a dataset.
///
/// Attributes can be written and read on every object (see `HDF5Object+Attributes.swift`).
/// Instances are not safe to use from several threads at once.
public class HDF5Object {
  let handle: HDF5Handle

  init(handle: HDF5Handle) {
    self.handle = handle
  }

  /// The path of the file that contains the object.
  public var filePath: String { handle.context.file }

  /// The object's absolute path inside the file, such as `/images`; `/` for the root group.
  public var objectPath: String { handle.context.object }

  var context: HDF5Context { handle.context }

  /// The open id; a precondition stops use after `close()`.
  var id: hid_t {
    precondition(handle.isOpen, "\(objectPath) in \(filePath) was used after close()")
    return handle.id
  }

  /// Closes the object now instead of when its last reference goes away.
  public func close() throws {
    try handle.close()
  }
}
