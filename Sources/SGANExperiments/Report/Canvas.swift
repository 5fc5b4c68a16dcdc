import SGANData

/// An RGB colour.
public struct Colour: Equatable, Sendable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  /// Creates a colour from its channels.
  public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  public static let white = Colour(255, 255, 255)
  public static let grey = Colour(170, 170, 170)
  public static let black = Colour(0, 0, 0)
  /// The colour of the standard GAN loss in every figure.
  public static let gan = Colour(214, 39, 40)
  /// The colour of Softmax GAN in every figure.
  public static let softmax = Colour(31, 119, 180)
}

/// A white RGB raster with the few drawing operations the report's figures need: points,
/// lines and frames in data coordinates. Pixel (0, 0) is the top-left corner.
public struct Canvas {
  public let width: Int
  public let height: Int
  public private(set) var pixels: [UInt8]  // [height, width, 3]

  /// Creates a white canvas.
  public init(width: Int, height: Int) {
    precondition(width > 0 && height > 0, "a canvas needs a positive size")
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 255, count: width * height * 3)
  }

  /// Colours pixel (x, y); pixels outside the canvas are ignored.
  public mutating func set(_ x: Int, _ y: Int, _ colour: Colour) {
    guard x >= 0, x < width, y >= 0, y < height else { return }
    let base = (y * width + x) * 3
    pixels[base] = colour.red
    pixels[base + 1] = colour.green
    pixels[base + 2] = colour.blue
  }

  /// Fills the square of side 2·radius + 1 around (x, y).
  public mutating func dot(_ x: Int, _ y: Int, radius: Int, _ colour: Colour) {
    for dy in -radius...radius {
      for dx in -radius...radius { set(x + dx, y + dy, colour) }
    }
  }

  /// Draws the line from (x0, y0) to (x1, y1) with Bresenham's algorithm.
  public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: Colour) {
    var (x, y) = (x0, y0)
    let dx = abs(x1 - x0)
    let dy = -abs(y1 - y0)
    let stepX = x0 < x1 ? 1 : -1
    let stepY = y0 < y1 ? 1 : -1
    var error = dx + dy
    while true {
      set(x, y, colour)
      if x == x1 && y == y1 { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }

  /// Draws the outline of the rectangle with corners (x0, y0) and (x1, y1).
  public mutating func frame(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: Colour) {
    line(x0, y0, x1, y0, colour)
    line(x1, y0, x1, y1, colour)
    line(x1, y1, x0, y1, colour)
    line(x0, y1, x0, y0, colour)
  }

  /// The canvas as an RGB image.
  public var image: Image {
    Image(width: width, height: height, channels: 3, pixels: pixels)
  }
}

/// Maps data coordinates in [xMin, xMax] x [yMin, yMax] to the pixels of a plot area inside
/// a margin, with y growing upwards.
public struct PlotFrame: Sendable {
  public var xRange: ClosedRange<Double>
  public var yRange: ClosedRange<Double>
  public var width: Int
  public var height: Int
  public var margin: Int

  /// Creates a frame; empty ranges are widened by one unit so the mapping stays finite.
  public init(
    xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, width: Int, height: Int,
    margin: Int = 6
  ) {
    func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
      range.upperBound > range.lowerBound ? range : (range.lowerBound - 0.5)...(range.lowerBound + 0.5)
    }
    self.xRange = widened(xRange)
    self.yRange = widened(yRange)
    self.width = width
    self.height = height
    self.margin = margin
  }

  /// Returns the pixel of the data point (x, y).
  public func pixel(_ x: Double, _ y: Double) -> (x: Int, y: Int) {
    let plotWidth = Double(width - 2 * margin - 1)
    let plotHeight = Double(height - 2 * margin - 1)
    let u = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
    let v = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
    return (margin + Int((u * plotWidth).rounded()), margin + Int(((1 - v) * plotHeight).rounded()))
  }
}
