import CHDF5
import Foundation

/// The HDF5 C library's process-wide state: start-up, thread safety and the constants that
/// Swift cannot import.
///
/// HDF5's headers define `H5P_DEFAULT`, `H5F_ACC_RDONLY`, `H5T_NATIVE_FLOAT` and similar as
/// macros. Those that expand to a cast or to `H5open()` followed by a global id do not import
/// into Swift, so this type restates the plain values and reads the global ids only after
/// `H5open()` has run.
public enum HDF5Library {
  /// Reports whether the linked HDF5 library was built thread-safe (`H5is_library_threadsafe`).
  ///
  /// Debian's `libhdf5-dev` is. A thread-safe HDF5 serialises its calls behind one global lock,
  /// so concurrent calls are safe but do not run in parallel. When this is `false`, every call
  /// made through this module takes `HDF5Library`'s own lock instead.
  public static var isThreadSafe: Bool { state.isThreadSafe }

  /// The linked library's version as `major.minor.release` (`H5get_libversion`).
  public static var version: String { state.version }

  // MARK: Start-up

  struct State {
    let isThreadSafe: Bool
    let version: String
  }

  /// Runs `H5open()` once and records the library's properties. Swift runs a static
  /// initialiser exactly once, even when several threads reach it together.
  ///
  /// `H5dont_atexit()` comes first, so HDF5 registers no exit handler. Each id this module
  /// opens is closed by its owner (a `deinit` or a `defer`), and HDF5 1.10.8's exit handler
  /// crashes on a file whose `H5Fclose` failed, such as one whose final flush hit a full disk.
  static let state: State = {
    _ = H5dont_atexit()
    _ = H5open()

    var threadSafe: hbool_t = false
    _ = H5is_library_threadsafe(&threadSafe)

    var major: UInt32 = 0
    var minor: UInt32 = 0
    var release: UInt32 = 0
    _ = H5get_libversion(&major, &minor, &release)

    return State(isThreadSafe: threadSafe, version: "\(major).\(minor).\(release)")
  }()

  // MARK: Serialised calls

  /// The lock that serialises calls when the library is not thread-safe. It is recursive
  /// because a call wrapper may run inside another on the same thread.
  private static let fallbackLock = NSRecursiveLock()

  /// The per-thread flag recording that automatic error printing is off on this thread.
  ///
  /// A thread-safe HDF5 keeps one default error stack per thread, and `H5Eset_auto2` on
  /// `H5E_DEFAULT` changes only the calling thread's stack, so each new thread has to switch
  /// the printing off again before its first call.
  private static let quietThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "pthread_key_create failed with error \(status)")
    return key
  }()

  /// Runs `body`, which makes HDF5 calls, after start-up and with automatic error printing
  /// off on this thread, holding the fallback lock when the library is not thread-safe.
  static func perform<Result>(_ body: () throws -> Result) rethrows -> Result {
    let threadSafe = state.isThreadSafe
    if !threadSafe { fallbackLock.lock() }
    defer { if !threadSafe { fallbackLock.unlock() } }

    if pthread_getspecific(quietThreadKey) == nil {
      _ = H5Eset_auto2(defaultErrorStack, nil, nil)
      _ = pthread_setspecific(quietThreadKey, UnsafeRawPointer(bitPattern: 1))
    }
    return try body()
  }

  // MARK: Constants restated from the headers

  /// `H5P_DEFAULT`, `H5S_ALL` and `H5E_DEFAULT` are all `(hid_t)0` in HDF5 1.10.
  static let defaultPropertyList: hid_t = 0
  static let allSelection: hid_t = 0
  static let defaultErrorStack: hid_t = 0

  /// `H5F_ACC_RDONLY`, `H5F_ACC_RDWR`, `H5F_ACC_TRUNC` and `H5F_ACC_EXCL` in HDF5 1.10.
  static let accessReadOnly: UInt32 = 0x0000
  static let accessReadWrite: UInt32 = 0x0001
  static let accessTruncate: UInt32 = 0x0002
  static let accessExclusive: UInt32 = 0x0004

  /// `H5S_UNLIMITED` (`HSIZE_UNDEF`, all bits set).
  static let unlimited: hsize_t = hsize_t.max

  /// `H5T_VARIABLE` (`(size_t)-1`), the size of a variable-length string type.
  static let variableSize: Int = -1

  // MARK: Global ids that need H5open() first

  /// The property-list classes behind `H5P_FILE_ACCESS`, `H5P_DATASET_CREATE` and
  /// `H5P_DATASET_ACCESS`.
  static var fileAccessClass: hid_t {
    _ = state
    return H5P_CLS_FILE_ACCESS_ID_g
  }
  static var datasetCreateClass: hid_t {
    _ = state
    return H5P_CLS_DATASET_CREATE_ID_g
  }
  static var datasetAccessClass: hid_t {
    _ = state
    return H5P_CLS_DATASET_ACCESS_ID_g
  }
  static var linkCreateClass: hid_t {
    _ = state
    return H5P_CLS_LINK_CREATE_ID_g
  }

  /// The C string type `H5T_C_S1`, the base of every string type this module writes.
  static var cStringType: hid_t {
    _ = state
    return H5T_C_S1_g
  }

  /// Returns the native HDF5 type id behind `kind` (`H5T_NATIVE_UINT8` and so on).
  static func nativeType(_ kind: HDF5NumericKind) -> hid_t {
    _ = state
    switch kind {
    case .uint8: return H5T_NATIVE_UINT8_g
    case .int8: return H5T_NATIVE_INT8_g
    case .uint16: return H5T_NATIVE_UINT16_g
    case .int16: return H5T_NATIVE_INT16_g
    case .uint32: return H5T_NATIVE_UINT32_g
    case .int32: return H5T_NATIVE_INT32_g
    case .uint64: return H5T_NATIVE_UINT64_g
    case .int64: return H5T_NATIVE_INT64_g
    case .float32: return H5T_NATIVE_FLOAT_g
    case .float64: return H5T_NATIVE_DOUBLE_g
    }
  }
}
