extension HDF5File {
  /// Creates an HDF5 file that appears at `path` only when `body` has filled it.
  ///
  /// `body` writes into a temporary sibling (``AtomicOutputFile``). Groups and datasets it
  /// opens must be released when it returns, because HDF5 cannot close a file with open
  /// objects. On any error the temporary file is removed and an earlier file at `path` stays.
  public static func writeAtomically(to path: String, _ body: (HDF5File) throws -> Void) throws {
    let output = try AtomicOutputFile(path: path)
    do {
      let file = try HDF5File.create(path: output.temporaryPath, overwrite: true)
      try body(file)
      try file.close()
      try output.commit()
    } catch {
      output.abandon()
      throw error
    }
  }
}
