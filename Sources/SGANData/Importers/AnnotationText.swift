/// A whitespace-separated text file, such as CelebA's annotation lists,
/// read line by line without building a String per field.
///
/// Lines end in LF or CRLF. Fields are separated by runs of spaces or tabs.
/// Lines that hold only whitespace are skipped; line numbers still count
/// them, so messages match what an editor shows.
struct AnnotationText {
  /// The path reported in errors.
  let path: String

  /// The whole file.
  let bytes: [UInt8]

  /// Reads the file at `path`.
  ///
  /// - Throws: `ImportError.unreadableFile` with the system's message. An
  ///   empty file is read as having no lines.
  init(path: String) throws {
    self.path = path
    do {
      bytes = try readFileBytes(atPath: path)
    } catch ImageError.emptyFile {
      bytes = []
    } catch ImageError.unreadableFile(_, let reason) {
      throw ImportError.unreadableFile(path: path, reason: reason)
    } catch {
      throw ImportError.unreadableFile(path: path, reason: "\(error)")
    }
  }

  /// Calls `body` for each non-blank line with its 1-based number and the
  /// byte ranges of its fields. The ranges array is reused between calls.
  func forEachLine(_ body: (_ line: Int, _ fields: [Range<Int>]) throws -> Void) rethrows {
    var fields: [Range<Int>] = []
    fields.reserveCapacity(64)
    var lineNumber = 0
    var position = 0
    let end = bytes.count

    while position < end {
      lineNumber += 1
      fields.removeAll(keepingCapacity: true)
      var fieldStart = -1
      while position < end && bytes[position] != 0x0A {
        let byte = bytes[position]
        let isSeparator = byte == 0x20 || byte == 0x09 || byte == 0x0D
        if isSeparator {
          if fieldStart >= 0 {
            fields.append(fieldStart..<position)
            fieldStart = -1
          }
        } else if fieldStart < 0 {
          fieldStart = position
        }
        position += 1
      }
      if fieldStart >= 0 { fields.append(fieldStart..<position) }
      position += 1  // Skips the LF.

      if !fields.isEmpty { try body(lineNumber, fields) }
    }
  }

  /// Returns the text of a field.
  func text(_ field: Range<Int>) -> String {
    String(decoding: bytes[field], as: UTF8.self)
  }

  /// Returns the field as a decimal integer with an optional sign, or nil
  /// when it is not one or does not fit in 32 bits.
  func integer(_ field: Range<Int>) -> Int? {
    var index = field.lowerBound
    var negative = false
    if index < field.upperBound && (bytes[index] == 0x2D || bytes[index] == 0x2B) {
      negative = bytes[index] == 0x2D
      index += 1
    }
    if index == field.upperBound { return nil }

    var value = 0
    while index < field.upperBound {
      let digit = Int(bytes[index]) - 0x30
      if digit < 0 || digit > 9 { return nil }
      value = value * 10 + digit
      if value > Int(Int32.max) + 1 { return nil }
      index += 1
    }
    let signed = negative ? -value : value
    return signed <= Int(Int32.max) ? signed : nil
  }
}

/// Returns the file name without its last extension: "000001.jpg" gives
/// "000001", and a name without a dot is returned whole.
func fileStem(_ name: String) -> String {
  guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
  return String(name[..<dot])
}

/// Returns the lowercased extension after the last dot, or "" when there is none.
func fileExtension(_ name: String) -> String {
  guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
  return name[name.index(after: dot)...].lowercased()
}
