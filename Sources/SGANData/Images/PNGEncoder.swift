import CPNG

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A PNG encoder for 8-bit gray and RGB images, built on libpng 1.6's
/// simplified write API (`png_image_write_to_memory`).
///
/// Stateless and thread-safe: each call uses its own `png_image`.
public enum PNGEncoder {
  /// Encodes a 1-channel or 3-channel image as an 8-bit PNG file in memory.
  ///
  /// - Throws: `ImageError.pngEncodingFailed` with libpng's message.
  /// - Precondition: `image.channels` is 1 or 3.
  public static func encode(_ image: Image) throws -> [UInt8] {
    precondition(
      image.channels == 1 || image.channels == 3,
      "PNG encoding takes 1 or 3 channels, got \(image.channels)")

    var header = png_image()
    header.version = png_uint_32(PNG_IMAGE_VERSION)
    header.width = png_uint_32(image.width)
    header.height = png_uint_32(image.height)
    header.format = image.channels == 3 ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0

    // The first call only measures: with a nil buffer libpng stores the
    // required size in `size`.
    var size: png_alloc_size_t = 0
    let measured = image.pixels.withUnsafeBytes { samples in
      png_image_write_to_memory(&header, nil, &size, 0, samples.baseAddress, 0, nil)
    }
    if measured == 0 || size == 0 {
      throw ImageError.pngEncodingFailed(message: libpngMessage(header))
    }

    var output = [UInt8](repeating: 0, count: Int(size))
    let written = image.pixels.withUnsafeBytes { samples in
      output.withUnsafeMutableBytes { target in
        png_image_write_to_memory(
          &header, target.baseAddress, &size, 0, samples.baseAddress, 0, nil)
      }
    }
    if written == 0 {
      throw ImageError.pngEncodingFailed(message: libpngMessage(header))
    }
    output.removeSubrange(Int(size)...)
    return output
  }

  /// Encodes a 1-channel or 3-channel image and writes it to `path`.
  ///
  /// The file is written under a temporary name beside `path` and renamed,
  /// so a reader never sees a half-written PNG.
  /// - Throws: `ImageError.pngEncodingFailed`, or `ImageError.unwritableFile`
  ///   with the system's message when the file cannot be written.
  public static func write(_ image: Image, toPath path: String) throws {
    let bytes = try encode(image)
    try writeFileAtomically(bytes, toPath: path)
  }
}

/// Writes `bytes` to `path + ".partial"`, then renames it to `path`.
func writeFileAtomically(_ bytes: [UInt8], toPath path: String) throws {
  let temporaryPath = path + ".partial"
  let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  if descriptor < 0 {
    throw ImageError.unwritableFile(path: temporaryPath, reason: String(cString: strerror(errno)))
  }

  var written = 0
  var writeError: Int32 = 0
  bytes.withUnsafeBytes { buffer in
    while written < buffer.count {
      let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
      if count < 0 {
        if errno == EINTR { continue }
        writeError = errno
        return
      }
      written += count
    }
  }
  if close(descriptor) != 0 && writeError == 0 { writeError = errno }
  if writeError != 0 {
    unlink(temporaryPath)
    throw ImageError.unwritableFile(
      path: temporaryPath, reason: String(cString: strerror(writeError)))
  }

  if rename(temporaryPath, path) != 0 {
    let reason = String(cString: strerror(errno))
    unlink(temporaryPath)
    throw ImageError.unwritableFile(path: path, reason: "cannot rename into place: " + reason)
  }
}
