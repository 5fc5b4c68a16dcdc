#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import SGANCore

extension RandomPurpose {
  /// Real samples of a two-dimensional mixture: `step` the noise index of the batch, `sample`
  /// the index in the batch.
  public static let mixtureSample = RandomPurpose(rawValue: 16)

  /// Latent vectors of the samples a finished run is evaluated on: `step` 0, `sample` the index.
  public static let evaluationLatents = RandomPurpose(rawValue: 17)
}

/// A point in the plane.
public struct Point2D: Codable, Equatable, Sendable {
  /// The coordinates.
  public var x: Double
  public var y: Double

  /// Creates a point.
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }

  /// Returns the Euclidean distance to `other`.
  public func distance(to other: Point2D) -> Double {
    ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot()
  }
}

/// The two-dimensional Gaussian mixtures of the mode-collapse benchmark: equal weights, one
/// isotropic standard deviation.
public struct GaussianMixture: Equatable, Sendable {
  /// The mode centres.
  public let centres: [Point2D]

  /// The standard deviation of every component along each axis.
  public let standardDeviation: Double

  /// Creates a mixture of equally weighted components.
  public init(centres: [Point2D], standardDeviation: Double) {
    precondition(!centres.isEmpty, "a mixture needs at least one component")
    precondition(standardDeviation > 0, "the standard deviation must be positive")
    self.centres = centres
    self.standardDeviation = standardDeviation
  }

  /// Returns `count` modes evenly spaced on a circle of `radius`, the first at (radius, 0).
  public static func ring(count: Int = 8, radius: Double = 2, standardDeviation: Double = 0.02)
    -> GaussianMixture
  {
    let centres = (0..<count).map { k in
      let angle = 2 * Double.pi * Double(k) / Double(count)
      return Point2D(radius * cos(angle), radius * sin(angle))
    }
    return GaussianMixture(centres: centres, standardDeviation: standardDeviation)
  }

  /// Returns a `side` x `side` grid of modes `spacing` apart, centred on the origin.
  public static func grid(side: Int = 5, spacing: Double = 2, standardDeviation: Double = 0.05)
    -> GaussianMixture
  {
    let offset = Double(side - 1) / 2
    var centres: [Point2D] = []
    for row in 0..<side {
      for column in 0..<side {
        centres.append(
          Point2D((Double(column) - offset) * spacing, (Double(row) - offset) * spacing))
      }
    }
    return GaussianMixture(centres: centres, standardDeviation: standardDeviation)
  }

  /// Writes `batch.shape.batch` samples into `batch [N, 2, 1, 1]`.
  ///
  /// Sample i uses block 0 of the stream (``RandomPurpose/mixtureSample``, `step`, i): the
  /// first word picks the component as ⌊word · K / 2³²⌋, the last two give the normal offsets
  /// by the Box-Muller transform. The batch therefore depends only on (seed, step).
  public func sample(into batch: Tensor, random: CounterRandom, step: Int) {
    precondition(
      batch.shape.sampleCount == 2, "mixture samples are [N, 2, 1, 1], got \(batch.shape)")
    for i in 0..<batch.shape.batch {
      let words = random.block(purpose: .mixtureSample, step: step, sample: i, block: 0)
      let component = Int((UInt64(words.0) * UInt64(centres.count)) >> 32)
      let (z0, z1) = boxMuller(words.2, words.3)
      let centre = centres[component]
      batch.pointer[2 * i] = Float(centre.x + standardDeviation * z0)
      batch.pointer[2 * i + 1] = Float(centre.y + standardDeviation * z1)
    }
  }

  /// Returns the index of the nearest centre to `point` and its distance.
  public func nearestMode(to point: Point2D) -> (index: Int, distance: Double) {
    var best = (index: 0, distance: Double.infinity)
    for (index, centre) in centres.enumerated() {
      let distance = point.distance(to: centre)
      if distance < best.distance {
        best = (index, distance)
      }
    }
    return best
  }
}

/// Maps two 32-bit words to two independent standard normals (Box-Muller, in Float64), with
/// u1 = (a + 1)/2³² in (0, 1] so the logarithm stays finite.
func boxMuller(_ a: UInt32, _ b: UInt32) -> (Double, Double) {
  let u1 = (Double(a) + 1) * 0x1p-32
  let u2 = Double(b) * 0x1p-32
  let r = (-2 * log(u1)).squareRoot()
  let angle = 2 * Double.pi * u2
  return (r * cos(angle), r * sin(angle))
}
