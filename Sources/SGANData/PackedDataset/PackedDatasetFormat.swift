import SGANCommandLine

/// Names and codes of the packed dataset format, version 1 (described in
/// `docs/dataset-format.md`).
public enum PackedDatasetFormat {
  /// The format version this code writes and the only one it reads.
  public static let version = 1

  /// The default `tool_version` that `PackedDatasetWriter` records: the project's version.
  public static let toolVersion = SGANCommandLine.toolVersion

  /// `uint8 [count, height, width, channels]`, NHWC.
  static let images = "/images"
  /// `uint8 [count]`, a `DatasetPartition` code per image.
  static let partition = "/partition"
  /// `int8 [count, K]`, with the `names` string-array attribute.
  static let attributes = "/attributes"
  /// `int32 [count]`.
  static let labels = "/labels"
  /// `int32 [count]`.
  static let identities = "/identities"
  /// `string [count]`.
  static let filenames = "/filenames"
  /// `string [k]` each, present only when the packer skipped files.
  static let skippedFilenames = "/skipped/filenames"
  static let skippedReasons = "/skipped/reasons"

  /// The string-array attribute of `/attributes` (attribute names) and of `/partition`
  /// (the name of each code).
  static let namesAttribute = "names"

  /// Root attribute names.
  enum Root {
    static let formatVersion = "format_version"
    static let sourceKind = "source_kind"
    static let cropTop = "crop_top"
    static let cropLeft = "crop_left"
    static let cropHeight = "crop_height"
    static let cropWidth = "crop_width"
    static let outputHeight = "output_height"
    static let outputWidth = "output_width"
    static let channels = "channels"
    static let resamplingFilter = "resampling_filter"
    static let preprocessingNotes = "preprocessing_notes"
    static let toolName = "tool_name"
    static let toolVersion = "tool_version"
    static let createdAt = "created_at"
    static let contentCRC32 = "content_crc32"
    static let contentChecksumMethod = "content_checksum_method"
  }

  /// The value of `content_checksum_method`: how a reader recomputes `content_crc32`.
  static let checksumMethod =
    "zlib.crc32 over the bytes of /images in C (row-major) order, as an unsigned 32-bit value"
}

/// The partition an image belongs to, stored in `/partition` as its raw value.
public enum DatasetPartition: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  case train = 0
  case validation = 1
  case test = 2

  /// The partition's name as written in `/partition`'s `names` attribute.
  public var description: String {
    switch self {
    case .train: "train"
    case .validation: "validation"
    case .test: "test"
    }
  }
}

/// The rows a reader selects: one partition, or every image.
public enum DatasetSplit: String, CaseIterable, Sendable, CustomStringConvertible {
  case train, validation, test, all

  /// The partition this split selects, or `nil` for `all`.
  public var partition: DatasetPartition? {
    switch self {
    case .train: .train
    case .validation: .validation
    case .test: .test
    case .all: nil
    }
  }

  /// The split's name, as accepted by `init(rawValue:)`.
  public var description: String { rawValue }
}

/// The dimensions of one stored image.
public struct PackedImageShape: Equatable, Hashable, Sendable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public var channels: Int

  /// Creates a shape; all three dimensions must be positive.
  public init(height: Int, width: Int, channels: Int) {
    precondition(
      height > 0 && width > 0 && channels > 0,
      "image shape \(height)x\(width)x\(channels) has a dimension that is not positive")
    self.height = height
    self.width = width
    self.channels = channels
  }

  /// The number of bytes (uint8 values) in one image: `height * width * channels`.
  public var byteCount: Int { height * width * channels }

  /// Renders the shape as `HxWxC`.
  public var description: String { "\(height)x\(width)x\(channels)" }
}

/// The crop, resize and filter that turned the source images into the stored ones.
public struct Preprocessing: Equatable, Sendable {
  /// The crop box in source pixels, or `nil` where no crop was taken.
  public var cropTop: Int?
  public var cropLeft: Int?
  public var cropHeight: Int?
  public var cropWidth: Int?

  /// The stored image size after resampling.
  public var outputHeight: Int
  public var outputWidth: Int

  /// The resampling filter's name, such as `area` or `bilinear`; `none` when not resized.
  public var filter: String

  /// Free text, such as how grayscale sources were expanded.
  public var notes: String?

  /// Creates a description of the preprocessing.
  public init(
    cropTop: Int? = nil, cropLeft: Int? = nil, cropHeight: Int? = nil, cropWidth: Int? = nil,
    outputHeight: Int, outputWidth: Int, filter: String, notes: String? = nil
  ) {
    self.cropTop = cropTop
    self.cropLeft = cropLeft
    self.cropHeight = cropHeight
    self.cropWidth = cropWidth
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.filter = filter
    self.notes = notes
  }
}

/// One image and its per-image fields, as the packer appends it.
public struct PackedRow: Sendable {
  /// `height * width * channels` bytes in HWC order.
  public var pixels: [UInt8]
  /// The source file, or `name:index` for an image inside an IDX file.
  public var filename: String
  /// The `DatasetPartition` raw value; required exactly when the writer has a partition.
  public var partition: UInt8?
  /// One value per attribute name, such as CelebA's -1/1; required exactly when the writer
  /// has attribute names.
  public var attributes: [Int8]?
  /// The class label; required exactly when the writer has labels.
  public var label: Int32?
  /// The CelebA identity; required exactly when the writer has identities.
  public var identity: Int32?

  /// Creates a row.
  public init(
    pixels: [UInt8], filename: String, partition: UInt8? = nil, attributes: [Int8]? = nil,
    label: Int32? = nil, identity: Int32? = nil
  ) {
    self.pixels = pixels
    self.filename = filename
    self.partition = partition
    self.attributes = attributes
    self.label = label
    self.identity = identity
  }
}

/// A source file the packer left out, with the reason.
public struct SkippedFile: Equatable, Sendable {
  public var filename: String
  public var reason: String

  /// Creates a record of a skipped file.
  public init(filename: String, reason: String) {
    self.filename = filename
    self.reason = reason
  }
}
