extension Image {
  /// Tiles equally sized images into one grid image, row by row.
  ///
  /// With n images of size w x h and `columns` columns, the grid has
  /// rows = ceil(n / columns) and measures
  /// (columns * w + (columns + 1) * border) x (rows * h + (rows + 1) * border):
  /// a `border`-pixel line of `borderValue` surrounds every tile. Cells after
  /// the last image keep the border value. For 64 samples, `columns: 8,
  /// border: 2` gives an 8x8 grid.
  ///
  /// - Precondition: `images` is not empty, all images share one size and
  ///   channel count, `columns > 0` and `border >= 0`.
  public static func grid(
    _ images: [Image], columns: Int, border: Int = 2, borderValue: UInt8 = 0
  ) -> Image {
    precondition(!images.isEmpty, "A grid needs at least one image")
    precondition(columns > 0 && border >= 0, "Grid columns must be positive, border non-negative")
    let first = images[0]
    for (index, image) in images.enumerated() {
      precondition(
        image.width == first.width && image.height == first.height
          && image.channels == first.channels,
        "Grid image \(index) is \(image), image 0 is \(first)")
    }

    let rows = (images.count + columns - 1) / columns
    let gridWidth = columns * first.width + (columns + 1) * border
    let gridHeight = rows * first.height + (rows + 1) * border
    let channels = first.channels
    var grid = Image(
      width: gridWidth, height: gridHeight, channels: channels, filledWith: borderValue)

    let tileRowLength = first.width * channels
    grid.pixels.withUnsafeMutableBufferPointer { target in
      for (index, image) in images.enumerated() {
        let tileTop = border + (index / columns) * (first.height + border)
        let tileLeft = border + (index % columns) * (first.width + border)
        image.pixels.withUnsafeBufferPointer { source in
          for row in 0..<first.height {
            let targetStart = ((tileTop + row) * gridWidth + tileLeft) * channels
            let sourceStart = row * tileRowLength
            for i in 0..<tileRowLength { target[targetStart + i] = source[sourceStart + i] }
          }
        }
      }
    }
    return grid
  }
}
