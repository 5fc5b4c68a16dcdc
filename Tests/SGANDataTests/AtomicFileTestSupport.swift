import Foundation

/// Runs `body` so that file permission checks apply to this thread even when the tests run
/// as root.
///
/// Root passes permission checks through `CAP_DAC_OVERRIDE`. On Linux, switching this
/// thread's file-system user id to `nobody` (65534) with `setfsuid` drops that capability for
/// this thread only, and switching back to 0 restores it. Glibc's Swift module does not
/// export `setfsuid`, so it is looked up with `dlsym`. For other users `body` runs as is.
func withoutFileAccessOverride<Result>(_ body: () -> Result) -> Result {
  guard geteuid() == 0 else { return body() }

  typealias SetFileSystemUser = @convention(c) (UInt32) -> Int32
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setfsuid") else {
    preconditionFailure("setfsuid not found in the C library")
  }
  let setFileSystemUser = unsafeBitCast(symbol, to: SetFileSystemUser.self)

  _ = setFileSystemUser(65534)
  defer { _ = setFileSystemUser(0) }
  return body()
}
