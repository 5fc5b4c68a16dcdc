import CTurboJPEG

/// A JPEG decoder built on the TurboJPEG API, which reports errors as return
/// values instead of ending the process the way libjpeg's default handler does.
///
/// Gray JPEGs decode to 1 channel. YCbCr and RGB JPEGs decode to 3 channels.
/// CMYK and YCCK JPEGs decode to CMYK and are converted to RGB here.
/// A TurboJPEG warning, such as "Premature end of JPEG file" for a truncated
/// file, counts as an error, so a damaged image is never packed silently.
///
/// One instance owns one TurboJPEG handle and is not thread-safe: give each
/// worker thread its own decoder.
public final class JPEGDecoder {
  /// The TurboJPEG decompressor handle, freed in `deinit`. It is replaced
  /// after every failure, because libjpeg-turbo 2.1 can leave a handle in a
  /// state where the next valid JPEG's header reads as 0x0 pixels.
  private var handle: tjhandle

  /// The largest image accepted, in pixels. It bounds the allocation that a
  /// corrupt header could otherwise request.
  public static let maximumPixelCount = 100_000_000

  /// Creates a decoder and its TurboJPEG handle.
  ///
  /// Throws `ImageError.jpegDecodingFailed` when TurboJPEG cannot allocate it.
  public init() throws {
    guard let handle = tjInitDecompress() else {
      throw ImageError.jpegDecodingFailed(
        path: "", message: "tjInitDecompress failed: " + String(cString: tjGetErrorStr2(nil)))
    }
    self.handle = handle
  }

  deinit { tjDestroy(handle) }

  /// Decodes a JPEG held in memory.
  ///
  /// - Parameters:
  ///   - bytes: the whole JPEG file.
  ///   - path: the file name that error messages report.
  /// - Returns: an image with 1 channel (gray JPEG) or 3 channels (any other).
  /// - Throws: `ImageError.jpegDecodingFailed` with TurboJPEG's message.
  public func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Image {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0
    else { throw ImageError.emptyFile(path: path) }
    let size = UInt(bytes.count)

    var width: Int32 = 0
    var height: Int32 = 0
    var subsampling: Int32 = 0
    var colorspace: Int32 = 0
    if tjDecompressHeader3(handle, base, size, &width, &height, &subsampling, &colorspace) != 0 {
      throw failure(path: path)
    }
    if width <= 0 || height <= 0 || Int(width) * Int(height) > Self.maximumPixelCount {
      replaceHandle()
      throw ImageError.jpegDecodingFailed(
        path: path,
        message: "header declares \(width)x\(height) pixels, outside 1 to "
          + "\(Self.maximumPixelCount) pixels")
    }

    let pixelFormat: TJPF
    let decodedChannels: Int
    switch colorspace {
    case Int32(TJCS_GRAY.rawValue):
      (pixelFormat, decodedChannels) = (TJPF_GRAY, 1)
    case Int32(TJCS_CMYK.rawValue), Int32(TJCS_YCCK.rawValue):
      (pixelFormat, decodedChannels) = (TJPF_CMYK, 4)
    default:
      (pixelFormat, decodedChannels) = (TJPF_RGB, 3)
    }

    let w = Int(width)
    let h = Int(height)
    var pixels = [UInt8](repeating: 0, count: w * h * decodedChannels)
    let status = pixels.withUnsafeMutableBufferPointer { target in
      tjDecompress2(
        handle, base, size, target.baseAddress, width, Int32(w * decodedChannels), height,
        Int32(pixelFormat.rawValue), 0)
    }
    if status != 0 { throw failure(path: path) }

    if decodedChannels == 4 {
      let inverted = JPEGMarkers.hasAdobeSegment(bytes)
      return Image(
        width: w, height: h, channels: 3, pixels: rgbFromCMYK(pixels, inverted: inverted))
    }
    return Image(width: w, height: h, channels: decodedChannels, pixels: pixels)
  }

  /// Returns the error for the handle's last failure, with TurboJPEG's
  /// message, and replaces the handle with a fresh one.
  private func failure(path: String) -> ImageError {
    let message = String(cString: tjGetErrorStr2(handle))
    // NOTE: this also rejects files whose only flaw is a recoverable warning,
    // such as extraneous bytes before a marker, which libjpeg would decode.
    // Packing with skipBad leaves them out and keeps the other rows aligned.
    let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
    replaceHandle()
    return .jpegDecodingFailed(path: path, message: isWarning ? "warning: " + message : message)
  }

  /// Swaps in a new handle; keeps the old one if TurboJPEG cannot allocate.
  private func replaceHandle() {
    guard let fresh = tjInitDecompress() else { return }
    tjDestroy(handle)
    handle = fresh
  }
}

/// Converts packed CMYK samples to RGB with the naive formula
/// R = (1 - C)(1 - K), G = (1 - M)(1 - K), B = (1 - Y)(1 - K).
///
/// Adobe applications write CMYK JPEGs with inverted samples (255 means no
/// ink) and mark them with an APP14 "Adobe" segment. With `inverted` the
/// stored samples are already 1 - C and 1 - K, so R = C_stored * K_stored.
/// No colour management is applied: TurboJPEG's documentation notes that an
/// exact CMYK to RGB mapping needs a CMS, which is out of scope here.
func rgbFromCMYK(_ cmyk: [UInt8], inverted: Bool) -> [UInt8] {
  let pixelCount = cmyk.count / 4
  var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
  cmyk.withUnsafeBufferPointer { source in
    rgb.withUnsafeMutableBufferPointer { target in
      for p in 0..<pixelCount {
        var k = UInt32(source[4 * p + 3])
        if !inverted { k = 255 - k }
        for c in 0..<3 {
          var ink = UInt32(source[4 * p + c])
          if !inverted { ink = 255 - ink }
          target[3 * p + c] = UInt8(compositeOnBlack(ink, alpha: k))
        }
      }
    }
  }
  return rgb
}
