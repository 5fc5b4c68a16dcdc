#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A separable resampling kernel f(x), with x in input pixels at scale 1.
public enum ResampleFilter: String, Sendable, CaseIterable {
  /// The triangle (tent) kernel f(x) = max(0, 1 - |x|), radius 1. At scale 1
  /// and when enlarging it is bilinear interpolation. When shrinking, its
  /// support widens with the shrink factor, which makes it an area-weighted
  /// average that suppresses aliasing.
  case triangle

  /// The Lanczos kernel with a = 3: f(x) = sinc(x) sinc(x / 3) for |x| < 3,
  /// else 0, where sinc(x) = sin(pi x) / (pi x). Sharper than the triangle,
  /// with small negative lobes that can ring at hard edges.
  case lanczos3

  /// The distance from the centre beyond which the kernel is 0, at scale 1.
  public var radius: Double {
    switch self {
    case .triangle: return 1
    case .lanczos3: return 3
    }
  }

  /// Returns the kernel value at distance `x`.
  public func weight(_ x: Double) -> Double {
    let distance = abs(x)
    switch self {
    case .triangle:
      return max(0, 1 - distance)
    case .lanczos3:
      if distance >= 3 { return 0 }
      return sinc(distance) * sinc(distance / 3)
    }
  }
}

private func sinc(_ x: Double) -> Double {
  if x == 0 { return 1 }
  let angle = Double.pi * x
  return sin(angle) / angle
}

/// The precomputed weights that map one axis of `inputSize` pixels onto
/// `outputSize` pixels.
///
/// Definition, with coordinates measured in input pixels from the left (or
/// top) edge of the input, and pixel k of either grid centred at k + 0.5:
///
///     scale        s = inputSize / outputSize
///     filter scale r = max(s, 1)       (the kernel stretches only when shrinking)
///     support        = radius * r
///     centre of output pixel i:  c_i = (i + 0.5) * s
///     weight of input pixel j:   f((j + 0.5 - c_i) / r), for 0 <= j < inputSize
///
/// The weights of each output pixel are divided by their sum, so a constant
/// input stays constant and pixels beyond the edges simply drop out.
struct AxisWeights: Sendable {
  /// The input length.
  let inputSize: Int

  /// The output length.
  let outputSize: Int

  /// First input pixel of each output pixel's window, `[outputSize]`.
  let starts: [Int]

  /// Input pixels in each output pixel's window, `[outputSize]`.
  let counts: [Int]

  /// Normalised weights, `[outputSize, maximumCount]`, zero-padded per row.
  let weights: [Float]

  /// The maximum window length, which is the row length of `weights`.
  let maximumCount: Int

  init(inputSize: Int, outputSize: Int, filter: ResampleFilter) {
    precondition(inputSize > 0 && outputSize > 0, "Axis sizes must be positive")
    let scale = Double(inputSize) / Double(outputSize)
    let filterScale = max(scale, 1)
    let support = filter.radius * filterScale

    var starts = [Int](repeating: 0, count: outputSize)
    var rows: [[Double]] = []
    rows.reserveCapacity(outputSize)
    for i in 0..<outputSize {
      let centre = (Double(i) + 0.5) * scale
      var first = max(0, Int((centre - support - 0.5).rounded(.down)))
      let last = min(inputSize - 1, Int((centre + support - 0.5).rounded(.up)))
      var row = (first...max(first, last)).map { j in
        filter.weight((Double(j) + 0.5 - centre) / filterScale)
      }

      // The window above may include one extra pixel on each side. Dropping
      // the zero weights at its ends keeps every tap useful.
      while row.count > 1 && row.first == 0 {
        row.removeFirst()
        first += 1
      }
      while row.count > 1 && row.last == 0 { row.removeLast() }

      let total = row.reduce(0, +)
      starts[i] = first
      rows.append(row.map { $0 / total })
    }

    let maximumCount = rows.map(\.count).max() ?? 1
    var weights = [Float](repeating: 0, count: outputSize * maximumCount)
    for (i, row) in rows.enumerated() {
      for (k, weight) in row.enumerated() { weights[i * maximumCount + k] = Float(weight) }
    }
    self.inputSize = inputSize
    self.outputSize = outputSize
    self.starts = starts
    self.counts = rows.map(\.count)
    self.weights = weights
    self.maximumCount = maximumCount
  }
}
