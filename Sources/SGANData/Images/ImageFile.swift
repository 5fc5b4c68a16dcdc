#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A compressed image format, recognised from the file's first bytes.
public enum ImageFormat: String, Sendable {
  case jpeg
  case png

  /// The PNG signature: 89 50 4E 47 0D 0A 1A 0A.
  static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Detects the format from the data's magic bytes, ignoring any file name.
  ///
  /// JPEG starts with the SOI marker FF D8 followed by another marker byte FF;
  /// PNG with its 8-byte signature. Returns nil for anything else, such as an
  /// HTML page saved under a `.jpg` name.
  public static func detect(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
    if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
      return .jpeg
    }
    if bytes.count >= pngSignature.count
      && zip(bytes.prefix(pngSignature.count), pngSignature).allSatisfy({ $0 == $1 })
    {
      return .png
    }
    return nil
  }
}

/// Reads a whole file into memory.
///
/// Throws `ImageError.unreadableFile` with the system's message when the file
/// cannot be opened or read, and `ImageError.emptyFile` for a 0-byte file.
public func readFileBytes(atPath path: String) throws -> [UInt8] {
  let descriptor = open(path, O_RDONLY)
  if descriptor < 0 {
    throw ImageError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
  }
  defer { close(descriptor) }

  var status = stat()
  if fstat(descriptor, &status) != 0 {
    throw ImageError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
  }
  if (status.st_mode & S_IFMT) == S_IFDIR {
    throw ImageError.unreadableFile(path: path, reason: "is a directory")
  }
  let size = Int(status.st_size)
  if size == 0 { throw ImageError.emptyFile(path: path) }

  // The size from fstat is a hint: a file that shrinks while being read
  // returns fewer bytes, and the array is trimmed to what arrived.
  var bytes = [UInt8](repeating: 0, count: size)
  var filled = 0
  let readError: Int32? = bytes.withUnsafeMutableBytes { buffer in
    while filled < size {
      let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
      if count < 0 {
        if errno == EINTR { continue }
        return errno
      }
      if count == 0 { break }
      filled += count
    }
    return nil
  }
  if let readError {
    throw ImageError.unreadableFile(path: path, reason: String(cString: strerror(readError)))
  }
  if filled == 0 { throw ImageError.emptyFile(path: path) }
  bytes.removeSubrange(filled...)
  return bytes
}
