/// An error from reading, decoding, encoding, cropping or resizing one image.
///
/// Each case carries the file path (or the item name for images that do not
/// come from a file) so that a message on its own points at the bad input.
public enum ImageError: Error, Equatable, Sendable {
  /// The file could not be opened or read; `reason` is the system's message.
  case unreadableFile(path: String, reason: String)

  /// The file could not be created or written; `reason` is the system's message.
  case unwritableFile(path: String, reason: String)

  /// The file has no bytes.
  case emptyFile(path: String)

  /// The first bytes match neither the JPEG nor the PNG signature.
  case unrecognizedFormat(path: String, firstBytes: [UInt8])

  /// TurboJPEG rejected the data; `message` is its error string.
  case jpegDecodingFailed(path: String, message: String)

  /// libpng rejected the data; `message` is its error string.
  case pngDecodingFailed(path: String, message: String)

  /// libpng could not encode an image; `message` is its error string.
  case pngEncodingFailed(message: String)

  /// The crop box does not fit inside the image.
  case cropOutsideImage(path: String, crop: CropBox, imageWidth: Int, imageHeight: Int)

  /// Padding was requested but the image is larger than the output size.
  case imageLargerThanPaddedSize(
    path: String, imageWidth: Int, imageHeight: Int, outputWidth: Int, outputHeight: Int)
}

extension ImageError: CustomStringConvertible {
  /// A one-line message naming the file, the failing value and a next step.
  public var description: String {
    switch self {
    case .unreadableFile(let path, let reason):
      return "cannot read '\(path)': \(reason)"
    case .unwritableFile(let path, let reason):
      return "cannot write '\(path)': \(reason); check that the folder exists and is writable"
    case .emptyFile(let path):
      return "'\(path)' is empty (0 bytes); re-copy or remove the file"
    case .unrecognizedFormat(let path, let firstBytes):
      let hex = firstBytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
      }.joined(separator: " ")
      return "'\(path)' is not a JPEG or PNG image (first bytes: \(hex)); "
        + "remove it or replace it with the real image"
    case .jpegDecodingFailed(let path, let message):
      return "cannot decode JPEG '\(path)': \(message)"
    case .pngDecodingFailed(let path, let message):
      return "cannot decode PNG '\(path)': \(message)"
    case .pngEncodingFailed(let message):
      return "cannot encode PNG: \(message)"
    case .cropOutsideImage(let path, let crop, let imageWidth, let imageHeight):
      return "crop \(crop) does not fit inside '\(path)', which is "
        + "\(imageWidth)x\(imageHeight) (width x height); choose a smaller crop"
    case .imageLargerThanPaddedSize(
      let path, let imageWidth, let imageHeight, let outputWidth, let outputHeight):
      return "'\(path)' is \(imageWidth)x\(imageHeight), larger than the padded output "
        + "\(outputWidth)x\(outputHeight); resize instead of padding"
    }
  }
}
