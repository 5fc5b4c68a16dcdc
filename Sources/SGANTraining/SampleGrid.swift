import SGANCore
import SGANData

/// Converts generated images to 8-bit pixels and tiles them into a PNG grid.
public enum SampleGrid {
  /// Converts `images [N, C, H, W]` in `range` to N 8-bit images `[H, W, C]`.
  ///
  /// [-1, 1] maps to round((x + 1) · 127.5) and [0, 1) to round(x · 256), the inverses of the
  /// reader's scaling, clamped to 0...255.
  public static func images(from images: Tensor, range: InputRange) -> [Image] {
    let shape = images.shape
    let planeSize = shape.height * shape.width
    var result: [Image] = []
    result.reserveCapacity(shape.batch)

    for n in 0..<shape.batch {
      var pixels = [UInt8](repeating: 0, count: planeSize * shape.channels)
      let sample = images.pointer + n * shape.sampleCount
      for c in 0..<shape.channels {
        for i in 0..<planeSize {
          let x = sample[c * planeSize + i]
          let scaled = range == .symmetric ? (x + 1) * 127.5 : x * 256
          pixels[i * shape.channels + c] = UInt8(max(0, min(255, scaled.rounded())))
        }
      }
      result.append(
        Image(width: shape.width, height: shape.height, channels: shape.channels, pixels: pixels))
    }
    return result
  }

  /// Writes `images [N, C, H, W]` as a grid of `columns` columns to the PNG file at `path`.
  public static func write(
    _ images: Tensor, range: InputRange, columns: Int, toPath path: String
  ) throws {
    let tiles = self.images(from: images, range: range)
    let grid = Image.grid(tiles, columns: columns, border: 2)
    try PNGEncoder.write(grid, toPath: path)
  }
}
