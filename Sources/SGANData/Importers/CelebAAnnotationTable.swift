/// A reader of CelebA annotation files into arrays aligned with a sorted
/// image list.
///
/// Each data row is `NAME VALUE...`. NAME is matched to an image by stem,
/// so `000001.jpg` in a file matches `000001.png` on disk. Every image needs
/// exactly one row, and every row needs an image.
struct CelebAAnnotationTable {
  /// Row index of each image stem in the sorted image list.
  let rowOfStem: [String: Int]

  /// The sorted image file names.
  let imageNames: [String]

  /// Reads `list_eval_partition.txt`: `NAME PARTITION`, no header, partition
  /// 0 (train), 1 (validation) or 2 (test).
  func readPartitions(path: String) throws -> [UInt8] {
    let text = try AnnotationText(path: path)
    var partitions = [UInt8](repeating: 0, count: imageNames.count)
    try readRows(text, valueCount: 1, headerLines: 0) { row, line, fields in
      let field = fields[1]
      guard let value = text.integer(field), (0...2).contains(value) else {
        throw ImportError.invalidValue(
          file: path, line: line, column: 2, value: text.text(field), allowed: "0, 1 or 2")
      }
      partitions[row] = UInt8(value)
    }
    return partitions
  }

  /// Reads `identity_CelebA.txt`: `NAME IDENTITY`, no header, identity a
  /// non-negative 32-bit integer.
  func readIdentities(path: String) throws -> [Int32] {
    let text = try AnnotationText(path: path)
    var identities = [Int32](repeating: 0, count: imageNames.count)
    try readRows(text, valueCount: 1, headerLines: 0) { row, line, fields in
      let field = fields[1]
      guard let value = text.integer(field), value >= 0 else {
        throw ImportError.invalidValue(
          file: path, line: line, column: 2, value: text.text(field),
          allowed: "a non-negative integer")
      }
      identities[row] = Int32(value)
    }
    return identities
  }

  /// Reads `list_attr_celeba.txt`: line 1 the row count, line 2 the K
  /// attribute names, then `NAME V1 ... VK` rows with each V -1 or 1.
  ///
  /// - Returns: the names and the values, `[imageCount, K]` row-major.
  func readAttributes(path: String) throws -> (names: [String], values: [Int8]) {
    let text = try AnnotationText(path: path)

    // Both header lines are read in a first pass, because the column count
    // of the rows depends on the names line.
    var header: [(line: Int, fields: [Range<Int>])] = []
    struct HeaderRead: Error {}
    do {
      try text.forEachLine { line, fields in
        header.append((line, fields))
        if header.count == 2 { throw HeaderRead() }
      }
    } catch is HeaderRead {}

    guard header.count == 2 else {
      throw ImportError.invalidHeader(
        file: path, line: header.first?.line ?? 1,
        reason: "expected a row count line and an attribute names line")
    }
    let countLine = header[0]
    guard countLine.fields.count == 1, let declared = text.integer(countLine.fields[0]),
      declared >= 0
    else {
      throw ImportError.invalidHeader(
        file: path, line: countLine.line,
        reason: "expected the number of rows alone, found '"
          + countLine.fields.map(text.text).joined(separator: " ") + "'")
    }
    let namesLine = header[1]
    if let numeric = namesLine.fields.first(where: { text.integer($0) != nil }) {
      throw ImportError.invalidHeader(
        file: path, line: namesLine.line,
        reason: "expected the attribute names, found the value '\(text.text(numeric))'")
    }
    let names = namesLine.fields.map(text.text)

    let width = names.count
    var values = [Int8](repeating: 0, count: imageNames.count * width)
    let rows = try readRows(text, valueCount: width, headerLines: 2) { row, line, fields in
      for k in 0..<width {
        let field = fields[k + 1]
        guard let value = text.integer(field), value == -1 || value == 1 else {
          throw ImportError.invalidValue(
            file: path, line: line, column: k + 2, value: text.text(field), allowed: "-1 or 1")
        }
        values[row * width + k] = Int8(value)
      }
    }
    if rows != declared {
      throw ImportError.headerCountMismatch(file: path, declared: declared, rows: rows)
    }
    return (names, values)
  }

  /// Walks the data rows after `headerLines` non-blank lines, checks the
  /// column count and the name of each, and passes the image row to `store`.
  /// After the last line, throws for the first image without a row.
  ///
  /// - Returns: the number of data rows.
  @discardableResult
  private func readRows(
    _ text: AnnotationText, valueCount: Int, headerLines: Int,
    store: (_ row: Int, _ line: Int, _ fields: [Range<Int>]) throws -> Void
  ) throws -> Int {
    var lineOfRow = [Int](repeating: 0, count: imageNames.count)
    var headersLeft = headerLines
    var rowCount = 0

    try text.forEachLine { line, fields in
      if headersLeft > 0 {
        headersLeft -= 1
        return
      }
      rowCount += 1
      if fields.count != valueCount + 1 {
        throw ImportError.wrongColumnCount(
          file: text.path, line: line, expected: valueCount + 1, found: fields.count)
      }
      let name = text.text(fields[0])
      guard let row = rowOfStem[fileStem(name)] else {
        throw ImportError.extraAnnotationRow(file: text.path, line: line, name: name)
      }
      if lineOfRow[row] != 0 {
        throw ImportError.duplicateAnnotationRow(
          file: text.path, line: line, name: name, firstLine: lineOfRow[row])
      }
      lineOfRow[row] = line
      try store(row, line, fields)
    }

    if let missing = lineOfRow.firstIndex(of: 0) {
      let missingCount = lineOfRow.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
      throw ImportError.missingAnnotationRow(
        file: text.path, image: imageNames[missing], missingCount: missingCount)
    }
    return rowCount
  }
}
