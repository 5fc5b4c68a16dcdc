import CPNG

/// A PNG decoder built on libpng 1.6's simplified API, which reports errors
/// through `png_image.message` instead of longjmp.
///
/// Every colour type decodes: gray, gray+alpha, RGB, RGBA and palette (with
/// or without a tRNS chunk), at every bit depth. The result keeps the file's
/// channels: gray 1, gray+alpha 2, RGB and opaque palette 3, RGBA and palette
/// with transparency 4.
///
/// 16-bit samples become 8-bit by rounding, v8 = round(v16 * 255 / 65535),
/// when the file is linear, which is what libpng assumes for a 16-bit file
/// without gamma information and what a gAMA chunk of 1.0 states. A 16-bit
/// file tagged sRGB, or with another gAMA, is instead read by libpng straight
/// into 8-bit sRGB, since asking libpng for 16-bit samples would convert it to
/// linear light and darken it.
///
/// Stateless and thread-safe: each call uses its own `png_image`.
public enum PNGDecoder {
  /// Decodes a PNG held in memory.
  ///
  /// - Parameters:
  ///   - bytes: the whole PNG file.
  ///   - path: the file name that error messages report.
  /// - Returns: an image with the file's channel count (1 to 4).
  /// - Throws: `ImageError.pngDecodingFailed` with libpng's message.
  public static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Image {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw ImageError.emptyFile(path: path)
    }

    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    if png_image_begin_read_from_memory(&image, base, bytes.count) == 0 {
      throw ImageError.pngDecodingFailed(path: path, message: libpngMessage(image))
    }

    let width = Int(image.width)
    let height = Int(image.height)
    if width * height > JPEGDecoder.maximumPixelCount {
      png_image_free(&image)
      throw ImageError.pngDecodingFailed(
        path: path,
        message: "header declares \(width)x\(height) pixels, more than "
          + "\(JPEGDecoder.maximumPixelCount)")
    }

    let fileFormat = image.format
    var channels = 1
    var format: png_uint_32 = 0
    if fileFormat & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0 {
      format |= png_uint_32(PNG_FORMAT_FLAG_COLOR)
      channels = 3
    }
    if fileFormat & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0 {
      format |= png_uint_32(PNG_FORMAT_FLAG_ALPHA)
      channels += 1
    }
    let is16Bit = fileFormat & png_uint_32(PNG_FORMAT_FLAG_LINEAR) != 0
    let sampleCount = width * height * channels

    if is16Bit && !PNGChunks.declaresNonlinearGamma(bytes) {
      image.format = format | png_uint_32(PNG_FORMAT_FLAG_LINEAR)
      var wide = [UInt16](repeating: 0, count: sampleCount)
      let status = wide.withUnsafeMutableBytes { target in
        png_image_finish_read(&image, nil, target.baseAddress, 0, nil)
      }
      if status == 0 {
        throw ImageError.pngDecodingFailed(path: path, message: libpngMessage(image))
      }
      let pixels = eightBitFromLinear(wide, channels: channels)
      return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    image.format = format
    var pixels = [UInt8](repeating: 0, count: sampleCount)
    let status = pixels.withUnsafeMutableBytes { target in
      png_image_finish_read(&image, nil, target.baseAddress, 0, nil)
    }
    if status == 0 {
      throw ImageError.pngDecodingFailed(path: path, message: libpngMessage(image))
    }
    return Image(width: width, height: height, channels: channels, pixels: pixels)
  }
}

/// Returns the message libpng stored in `image` after a failed call.
func libpngMessage(_ image: png_image) -> String {
  var message = image.message
  let text = withUnsafeBytes(of: &message) { raw in
    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
  }
  return text.isEmpty ? "libpng reported no message" : text
}

/// Converts 16-bit linear samples from libpng to 8-bit straight-alpha samples.
///
/// libpng returns linear formats with associated (premultiplied) alpha, so a
/// colour sample is first divided by alpha, then every sample is rounded to
/// 8 bits: v8 = (v16 * 255 + 32767) / 65535, exact rounding because 65535 is
/// odd. A fully transparent pixel gets colour 0.
func eightBitFromLinear(_ wide: [UInt16], channels: Int) -> [UInt8] {
  let hasAlpha = channels == 2 || channels == 4
  let colorChannels = hasAlpha ? channels - 1 : channels
  var pixels = [UInt8](repeating: 0, count: wide.count)

  @inline(__always) func round8(_ value: UInt32) -> UInt8 {
    UInt8((value * 255 + 32767) / 65535)
  }

  wide.withUnsafeBufferPointer { source in
    pixels.withUnsafeMutableBufferPointer { target in
      for p in 0..<(wide.count / channels) {
        let s = p * channels
        guard hasAlpha else {
          for c in 0..<channels { target[s + c] = round8(UInt32(source[s + c])) }
          continue
        }
        let alpha = UInt32(source[s + colorChannels])
        target[s + colorChannels] = round8(alpha)
        if alpha == 0 { continue }
        for c in 0..<colorChannels {
          let premultiplied = UInt32(source[s + c])
          let straight = min(65535, (premultiplied * 65535 + alpha / 2) / alpha)
          target[s + c] = round8(straight)
        }
      }
    }
  }
  return pixels
}
