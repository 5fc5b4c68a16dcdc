import SGANData

/// The report's figures, drawn without text: captions in the report give the axes.
public enum Figures {
  /// Draws generated `points` over the mixture's centres (grey) in `colour`, on a square of
  /// `size` pixels covering the centres with one unit of space around them.
  public static func scatter(
    points: [Point2D], mixture: GaussianMixture, colour: Colour, size: Int = 240
  ) -> Canvas {
    let extent =
      (mixture.centres.map { max(abs($0.x), abs($0.y)) }.max() ?? 1) + 1
    let frame = PlotFrame(
      xRange: -extent...extent, yRange: -extent...extent, width: size, height: size)
    var canvas = Canvas(width: size, height: size)
    canvas.frame(0, 0, size - 1, size - 1, .black)
    for centre in mixture.centres {
      let pixel = frame.pixel(centre.x, centre.y)
      canvas.dot(pixel.x, pixel.y, radius: 3, .grey)
    }
    for point in points where point.x.isFinite && point.y.isFinite {
      let pixel = frame.pixel(point.x, point.y)
      canvas.set(pixel.x, pixel.y, colour)
    }
    return canvas
  }

  /// Draws each series of (x, y) values as a polyline in its colour on shared axes, with a
  /// frame and a grey line at y = 0 when it is in range. Non-finite values are skipped.
  public static func lines(
    _ series: [(values: [(Double, Double)], colour: Colour)], yRange: ClosedRange<Double>,
    width: Int = 480, height: Int = 200
  ) -> Canvas {
    let xs = series.flatMap { $0.values.map(\.0) }
    let frame = PlotFrame(
      xRange: (xs.min() ?? 0)...(xs.max() ?? 1), yRange: yRange, width: width, height: height)
    var canvas = Canvas(width: width, height: height)
    canvas.frame(0, 0, width - 1, height - 1, .black)
    if yRange.contains(0) {
      let left = frame.pixel(frame.xRange.lowerBound, 0)
      let right = frame.pixel(frame.xRange.upperBound, 0)
      canvas.line(left.x, left.y, right.x, right.y, .grey)
    }
    for (values, colour) in series {
      var previous: (x: Int, y: Int)?
      for (x, y) in values {
        guard y.isFinite else {
          previous = nil
          continue
        }
        let clamped = min(max(y, yRange.lowerBound), yRange.upperBound)
        let pixel = frame.pixel(x, clamped)
        if let previous { canvas.line(previous.x, previous.y, pixel.x, pixel.y, colour) }
        previous = pixel
      }
    }
    return canvas
  }

  /// Returns the means of consecutive windows of `values`, at most `count` of them, each at
  /// the mean x of its window, so a long loss curve keeps its trend at the plot's width.
  public static func windowMeans(_ values: [(Double, Double)], count: Int) -> [(Double, Double)] {
    guard values.count > count, count > 0 else { return values }
    let window = (values.count + count - 1) / count
    return stride(from: 0, to: values.count, by: window).map { start in
      let slice = values[start..<min(start + window, values.count)]
      let x = slice.reduce(0) { $0 + $1.0 } / Double(slice.count)
      let y = slice.reduce(0) { $0 + $1.1 } / Double(slice.count)
      return (x, y)
    }
  }

  /// Places images of equal height side by side with `gap` white pixels between them.
  public static func sideBySide(_ images: [Image], gap: Int = 8) -> Image {
    precondition(!images.isEmpty, "nothing to place")
    let height = images.map(\.height).max()!
    let width = images.reduce(0) { $0 + $1.width } + gap * (images.count - 1)
    var canvas = Canvas(width: width, height: height)
    var left = 0
    for image in images {
      for y in 0..<image.height {
        for x in 0..<image.width {
          let base = (y * image.width + x) * image.channels
          let colour: Colour
          if image.channels >= 3 {
            colour = Colour(image.pixels[base], image.pixels[base + 1], image.pixels[base + 2])
          } else {
            colour = Colour(image.pixels[base], image.pixels[base], image.pixels[base])
          }
          canvas.set(left + x, y, colour)
        }
      }
      left += image.width + gap
    }
    return canvas.image
  }
}
