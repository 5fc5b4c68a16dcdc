import CHDF5

/// The numeric element types this module reads and writes, each mapped to HDF5's native type.
public enum HDF5NumericKind: String, Sendable, CaseIterable {
  case uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64
}

/// A Swift number type that HDF5 stores as the matching native type.
public protocol HDF5Numeric {
  /// The HDF5 native type that stores values of this type.
  static var hdf5Kind: HDF5NumericKind { get }

  /// The value zero, used to size read buffers.
  static var zero: Self { get }
}

extension UInt8: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .uint8 } }
extension Int8: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .int8 } }
extension UInt16: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .uint16 } }
extension Int16: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .int16 } }
extension UInt32: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .uint32 } }
extension Int32: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .int32 } }
extension UInt64: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .uint64 } }
extension Int64: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .int64 } }
extension Float: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .float32 } }
extension Double: HDF5Numeric { public static var hdf5Kind: HDF5NumericKind { .float64 } }

/// The element type a dataset or attribute is stored with, as read from the file.
public enum HDF5StoredType: Equatable, Sendable, CustomStringConvertible {
  /// An integer of `bytes` bytes, signed or unsigned.
  case integer(bytes: Int, signed: Bool)
  /// An IEEE floating-point number of `bytes` bytes.
  case float(bytes: Int)
  /// A string, of variable length or of a fixed number of bytes.
  case string(variableLength: Bool)
  /// Any other HDF5 type class (compound, enum, array, reference and so on), by class number.
  case other(typeClass: Int32)

  /// Returns the stored type that `kind` is written as.
  public init(_ kind: HDF5NumericKind) {
    switch kind {
    case .uint8: self = .integer(bytes: 1, signed: false)
    case .int8: self = .integer(bytes: 1, signed: true)
    case .uint16: self = .integer(bytes: 2, signed: false)
    case .int16: self = .integer(bytes: 2, signed: true)
    case .uint32: self = .integer(bytes: 4, signed: false)
    case .int32: self = .integer(bytes: 4, signed: true)
    case .uint64: self = .integer(bytes: 8, signed: false)
    case .int64: self = .integer(bytes: 8, signed: true)
    case .float32: self = .float(bytes: 4)
    case .float64: self = .float(bytes: 8)
    }
  }

  /// Renders the type in numpy's words: `uint8`, `int32`, `float32`, `string`.
  public var description: String {
    switch self {
    case .integer(let bytes, let signed): "\(signed ? "int" : "uint")\(bytes * 8)"
    case .float(let bytes): "float\(bytes * 8)"
    case .string(let variableLength): variableLength ? "string" : "fixed-length string"
    case .other(let typeClass): "HDF5 type class \(typeClass)"
    }
  }

  /// Describes the HDF5 datatype `typeID`.
  static func describe(_ typeID: hid_t, context: HDF5Context) throws -> HDF5StoredType {
    let typeClass = try context.check("H5Tget_class", failsWhen: { $0 == H5T_NO_CLASS }) {
      H5Tget_class(typeID)
    }
    switch typeClass {
    case H5T_INTEGER:
      let size = try context.check("H5Tget_size", failsWhen: { $0 == 0 }) { H5Tget_size(typeID) }
      let sign = try context.check("H5Tget_sign", failsWhen: { $0 == H5T_SGN_ERROR }) {
        H5Tget_sign(typeID)
      }
      return .integer(bytes: size, signed: sign != H5T_SGN_NONE)
    case H5T_FLOAT:
      let size = try context.check("H5Tget_size", failsWhen: { $0 == 0 }) { H5Tget_size(typeID) }
      return .float(bytes: size)
    case H5T_STRING:
      let variable = try context.check("H5Tis_variable_str") { H5Tis_variable_str(typeID) }
      return .string(variableLength: variable > 0)
    default:
      return .other(typeClass: typeClass.rawValue)
    }
  }
}

// MARK: - String types

extension HDF5Context {
  /// Creates the variable-length UTF-8 string type that this module writes; h5py reports it
  /// with `h5py.check_string_dtype(...).encoding == 'utf-8'`. The caller closes the id.
  func makeVariableStringType() throws -> hid_t {
    let type = try check("H5Tcopy") { H5Tcopy(HDF5Library.cStringType) }
    do {
      try check("H5Tset_size") { H5Tset_size(type, HDF5Library.variableSize) }
      try check("H5Tset_cset") { H5Tset_cset(type, H5T_CSET_UTF8) }
    } catch {
      _ = HDF5Library.perform { H5Tclose(type) }
      throw error
    }
    return type
  }
}
