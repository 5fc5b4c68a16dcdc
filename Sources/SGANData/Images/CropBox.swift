/// A rectangle inside an image, in pixels, with its top-left corner at
/// row `top`, column `left`.
public struct CropBox: Sendable, Equatable, Hashable {
  /// First row of the box.
  public var top: Int

  /// First column of the box.
  public var left: Int

  /// Rows in the box.
  public var height: Int

  /// Columns in the box.
  public var width: Int

  /// Creates a box from its top-left corner and size.
  public init(top: Int, left: Int, height: Int, width: Int) {
    self.top = top
    self.left = left
    self.height = height
    self.width = width
  }

  /// Returns the box of the given size centred in an image, rounding the
  /// offsets down: top = (imageHeight - height) / 2, left = (imageWidth - width) / 2.
  ///
  /// For CelebA's 178x218 aligned images and DCGAN's 108x108 crop this gives
  /// top 55, left 35. A box larger than the image gets a negative offset,
  /// which `validate` then rejects.
  public static func centered(
    height: Int, width: Int, imageHeight: Int, imageWidth: Int
  ) -> CropBox {
    CropBox(
      top: (imageHeight - height) / 2, left: (imageWidth - width) / 2,
      height: height, width: width)
  }

  /// Throws `ImageError.cropOutsideImage` unless the box has a positive size
  /// and lies inside an image of the given size.
  public func validate(imageWidth: Int, imageHeight: Int, path: String) throws {
    let fits =
      width > 0 && height > 0 && top >= 0 && left >= 0
      && top + height <= imageHeight && left + width <= imageWidth
    if !fits {
      throw ImageError.cropOutsideImage(
        path: path, crop: self, imageWidth: imageWidth, imageHeight: imageHeight)
    }
  }
}

extension CropBox: CustomStringConvertible {
  /// The box as `WIDTHxHEIGHT at (top T, left L)`.
  public var description: String { "\(width)x\(height) at (top \(top), left \(left))" }
}

/// The rule that picks the part of each image kept before resizing.
public enum CropRule: Sendable, Equatable, Hashable {
  /// Keeps the whole image.
  case none

  /// Keeps a centred box of a fixed size; an image smaller than the box is an error.
  case centered(height: Int, width: Int)

  /// Keeps the largest centred square, for sources of mixed aspect ratios.
  case centeredSquare

  /// Keeps a fixed box; an image that does not contain it is an error.
  case box(CropBox)

  /// Returns the box for an image of the given size.
  ///
  /// - Throws: `ImageError.cropOutsideImage` when the box does not fit.
  public func box(imageWidth: Int, imageHeight: Int, path: String) throws -> CropBox {
    let box: CropBox
    switch self {
    case .none:
      box = CropBox(top: 0, left: 0, height: imageHeight, width: imageWidth)
    case .centered(let height, let width):
      box = .centered(
        height: height, width: width, imageHeight: imageHeight, imageWidth: imageWidth)
    case .centeredSquare:
      let side = min(imageWidth, imageHeight)
      box = .centered(height: side, width: side, imageHeight: imageHeight, imageWidth: imageWidth)
    case .box(let fixed):
      box = fixed
    }
    try box.validate(imageWidth: imageWidth, imageHeight: imageHeight, path: path)
    return box
  }
}

extension Image {
  /// Returns the pixels inside `box` as a new image.
  ///
  /// - Throws: `ImageError.cropOutsideImage`, naming `path`, the box and the
  ///   image size, when the box does not fit.
  public func cropped(to box: CropBox, path: String) throws -> Image {
    try box.validate(imageWidth: width, imageHeight: height, path: path)
    return copyingRegion(box)
  }

  /// Returns the pixels inside `box`, which the caller has validated.
  func copyingRegion(_ box: CropBox) -> Image {
    let rowLength = box.width * channels
    var output = [UInt8](repeating: 0, count: box.height * rowLength)
    pixels.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { target in
        for row in 0..<box.height {
          let sourceStart = ((box.top + row) * width + box.left) * channels
          let targetStart = row * rowLength
          for i in 0..<rowLength { target[targetStart + i] = source[sourceStart + i] }
        }
      }
    }
    return Image(width: box.width, height: box.height, channels: channels, pixels: output)
  }
}
