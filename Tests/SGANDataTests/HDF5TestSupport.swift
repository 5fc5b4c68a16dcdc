import Foundation

/// A fresh directory under the system's temporary directory, deleted with its contents when
/// the last reference goes away.
final class TemporaryDirectory {
  let path: String

  init() {
    var template = Array("\(NSTemporaryDirectory())/sgan-data-tests-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(created != nil, "mkdtemp failed: \(String(cString: strerror(errno)))")
    path = String(cString: created!)
  }

  /// Returns the path of `name` inside the directory.
  func file(_ name: String) -> String {
    "\(path)/\(name)"
  }

  /// Returns the names of the entries in the directory, sorted.
  func entries() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }
}
