import CZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole file, inflating it first when it is gzip-compressed.
///
/// A file whose first two bytes are the gzip magic 1F 8B is streamed through
/// zlib's `inflate` in 256 KiB input chunks. `inflateInit2` gets windowBits
/// 15 + 32, which lets zlib detect the gzip or zlib header itself.
/// Concatenated gzip members (as `cat a.gz b.gz` makes) inflate one after
/// another. Any other file is returned as it is.
///
/// - Throws: `ImportError.unreadableFile` when the file cannot be read, and
///   `ImportError.gzipFailed` for a corrupt or truncated gzip stream.
func readPossiblyCompressedFile(atPath path: String) throws -> [UInt8] {
  guard let file = fopen(path, "rb") else {
    throw ImportError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
  }
  defer { fclose(file) }

  let chunkSize = 256 * 1024
  var chunk = [UInt8](repeating: 0, count: chunkSize)
  func readChunk() throws -> Int {
    let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunkSize, file) }
    if count < chunkSize && ferror(file) != 0 {
      throw ImportError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
    }
    return count
  }

  var filled = try readChunk()
  let isGzip = filled >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B
  if !isGzip {
    var contents = Array(chunk[0..<filled])
    while filled == chunkSize {
      filled = try readChunk()
      contents.append(contentsOf: chunk[0..<filled])
    }
    return contents
  }

  let inflater = try Inflater(path: path)
  var output: [UInt8] = []
  while filled > 0 {
    try chunk.withUnsafeMutableBytes { input in
      try inflater.inflate(UnsafeRawBufferPointer(rebasing: input[0..<filled]), into: &output)
    }
    filled = try readChunk()
  }
  if !inflater.atMemberEnd {
    throw ImportError.gzipFailed(
      path: path, message: "the stream ends before the end of its last gzip member (truncated)")
  }
  return output
}

/// A zlib inflate stream that appends everything it inflates to an array.
///
/// The `z_stream` lives at a fixed heap address because zlib's internal
/// state keeps a pointer back to it and rejects a stream that has moved.
private final class Inflater {
  private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  private let path: String

  /// Whether the last input ended exactly at the end of a gzip member.
  private(set) var atMemberEnd = false

  init(path: String) throws {
    self.path = path
    stream.initialize(to: z_stream())
    let status = inflateInit2_(
      stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    if status != Z_OK {
      stream.deallocate()
      throw ImportError.gzipFailed(path: path, message: "inflateInit2 returned \(status)")
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  /// Inflates all of `input`, appending the output to `output`.
  func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
    let outputChunk = 1024 * 1024
    var pending = input
    while !pending.isEmpty {
      if atMemberEnd {
        // Another gzip member follows the one that just ended.
        inflateReset(stream)
        atMemberEnd = false
      }

      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: pending.baseAddress!.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = uInt(pending.count)
      var status: Int32 = Z_OK
      repeat {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: outputChunk))
        output.withUnsafeMutableBytes { buffer in
          stream.pointee.next_out = (buffer.baseAddress! + start).assumingMemoryBound(
            to: Bytef.self)
          stream.pointee.avail_out = uInt(outputChunk)
          status = CZlib.inflate(stream, Z_NO_FLUSH)
        }
        output.removeLast(Int(stream.pointee.avail_out))
        if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
          let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
          throw ImportError.gzipFailed(path: path, message: message)
        }
      } while status == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)

      let consumed = pending.count - Int(stream.pointee.avail_in)
      if consumed == 0 && status != Z_STREAM_END {
        throw ImportError.gzipFailed(path: path, message: "inflate made no progress")
      }
      pending = UnsafeRawBufferPointer(rebasing: pending[consumed...])
      if status == Z_STREAM_END { atMemberEnd = true }
    }
  }
}
