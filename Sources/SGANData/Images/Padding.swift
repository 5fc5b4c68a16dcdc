extension Image {
  /// Returns the image centred on a larger canvas filled with `value`.
  ///
  /// The left margin is (width - image width) / 2 rounded down, and the top
  /// margin likewise, so a 28x28 IDX digit padded to 32x32 gets 2 pixels on
  /// every side. Pixels are copied unchanged.
  /// - Throws: `ImageError.imageLargerThanPaddedSize` when the image is wider
  ///   or taller than the canvas.
  public func padded(
    toWidth outputWidth: Int, height outputHeight: Int, value: UInt8 = 0, path: String
  ) throws -> Image {
    if width > outputWidth || height > outputHeight {
      throw ImageError.imageLargerThanPaddedSize(
        path: path, imageWidth: width, imageHeight: height,
        outputWidth: outputWidth, outputHeight: outputHeight)
    }
    if width == outputWidth && height == outputHeight { return self }

    let top = (outputHeight - height) / 2
    let left = (outputWidth - width) / 2
    var canvas = Image(
      width: outputWidth, height: outputHeight, channels: channels, filledWith: value)
    let rowLength = width * channels
    pixels.withUnsafeBufferPointer { source in
      canvas.pixels.withUnsafeMutableBufferPointer { target in
        for row in 0..<height {
          let sourceStart = row * rowLength
          let targetStart = ((top + row) * outputWidth + left) * channels
          for i in 0..<rowLength { target[targetStart + i] = source[sourceStart + i] }
        }
      }
    }
    return canvas
  }
}
