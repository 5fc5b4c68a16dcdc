#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The use of a stream of random numbers. Streams with different purposes never overlap.
public struct RandomPurpose: RawRepresentable, Hashable, Sendable {
  /// The 32-bit tag stored in the counter's last word.
  public var rawValue: UInt32

  /// Creates a purpose from its tag.
  public init(rawValue: UInt32) {
    self.rawValue = rawValue
  }

  /// Parameter initialisation: `step` 0, `sample` the parameter tensor's index.
  public static let initialization = RandomPurpose(rawValue: 1)

  /// Latent vectors of the generator: `step` the training step, `sample` the index in the batch.
  public static let latentNoise = RandomPurpose(rawValue: 2)

  /// Data order: `step` the epoch, `sample` free for the caller.
  public static let dataOrder = RandomPurpose(rawValue: 3)
}

/// Seeded, splittable random numbers addressed by (purpose, step, sample), built on
/// Philox4x32-10.
///
/// The key is the 64-bit seed; value `j` of the stream (purpose, step, sample) comes from the
/// counter (j / 4, sample, step, purpose). Sample i of step s therefore gets the same values
/// whichever thread computes them, and the generator's whole state is the seed: callers hold
/// the step and sample numbers themselves.
///
/// Normals use the Box-Muller transform on each pair of 32-bit words: with
/// u1 = (a + 1)/2³² in (0, 1] and u2 = b/2³² in [0, 1), z0 = r·cos(2πu2) and z1 = r·sin(2πu2),
/// r = sqrt(-2 ln u1), computed in Float64.
public struct CounterRandom: Hashable, Sendable {
  /// The seed, used as the Philox key.
  public let seed: UInt64

  /// Creates the generator for `seed`.
  public init(seed: UInt64) {
    self.seed = seed
  }

  private var key: (UInt32, UInt32) {
    (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
  }

  /// Returns block `block` (four words, values 4·block ..< 4·block + 4) of a stream.
  public func block(purpose: RandomPurpose, step: Int, sample: Int, block: Int) -> Philox4x32.Block
  {
    precondition(
      step >= 0 && step <= Int(UInt32.max) && sample >= 0 && sample <= Int(UInt32.max)
        && block >= 0 && block <= Int(UInt32.max),
      "step \(step), sample \(sample) and block \(block) must each fit in 32 bits")
    return Philox4x32.block(
      counter: (UInt32(block), UInt32(sample), UInt32(step), purpose.rawValue), key: key)
  }

  /// Writes values `0 ..< count` of the normal stream (purpose, step, sample), scaled to
  /// `mean + standardDeviation·z`, to `destination`. A prefix of a longer request gets the
  /// same values.
  public func fillNormal(
    _ destination: UnsafeMutablePointer<Float>, count: Int, purpose: RandomPurpose, step: Int,
    sample: Int, mean: Float = 0, standardDeviation: Float = 1
  ) {
    var index = 0
    var blockIndex = 0
    while index < count {
      let words = block(purpose: purpose, step: step, sample: sample, block: blockIndex)
      let (z0, z1) = CounterRandom.boxMuller(words.0, words.1)
      let (z2, z3) = CounterRandom.boxMuller(words.2, words.3)
      // Four values per block; the last block may be cut short.
      let available = min(4, count - index)
      destination[index] = mean + standardDeviation * Float(z0)
      if available > 1 { destination[index + 1] = mean + standardDeviation * Float(z1) }
      if available > 2 { destination[index + 2] = mean + standardDeviation * Float(z2) }
      if available > 3 { destination[index + 3] = mean + standardDeviation * Float(z3) }
      index += available
      blockIndex += 1
    }
  }

  /// Fills `tensor` with the normal stream (purpose, step, sample); see
  /// ``fillNormal(_:count:purpose:step:sample:mean:standardDeviation:)``.
  public func fillNormal(
    _ tensor: Tensor, purpose: RandomPurpose, step: Int, sample: Int, mean: Float = 0,
    standardDeviation: Float = 1
  ) {
    fillNormal(
      tensor.pointer, count: tensor.count, purpose: purpose, step: step, sample: sample,
      mean: mean, standardDeviation: standardDeviation)
  }

  /// Fills sample `n` of `latents [N, nz, 1, 1]` with the normal stream
  /// (``RandomPurpose/latentNoise``, step, `firstSample + n`) for each n, so a shard that
  /// starts at `firstSample` of the batch gets the same vectors as the whole batch would.
  public func fillLatents(_ latents: Tensor, step: Int, firstSample: Int = 0) {
    let size = latents.shape.sampleCount
    for n in 0..<latents.shape.batch {
      fillNormal(
        latents.pointer + n * size, count: size, purpose: .latentNoise, step: step,
        sample: firstSample + n)
    }
  }

  /// Writes values `0 ..< count` of the uniform stream (purpose, step, sample) in [0, 1),
  /// each from the top 24 bits of one 32-bit word: value = (word >> 8) / 2²⁴.
  public func fillUniform(
    _ destination: UnsafeMutablePointer<Float>, count: Int, purpose: RandomPurpose, step: Int,
    sample: Int
  ) {
    var index = 0
    var blockIndex = 0
    while index < count {
      let words = block(purpose: purpose, step: step, sample: sample, block: blockIndex)
      // The top 24 bits of each word keep the Float below 1 after rounding.
      let available = min(4, count - index)
      destination[index] = Float(words.0 >> 8) * 0x1p-24
      if available > 1 { destination[index + 1] = Float(words.1 >> 8) * 0x1p-24 }
      if available > 2 { destination[index + 2] = Float(words.2 >> 8) * 0x1p-24 }
      if available > 3 { destination[index + 3] = Float(words.3 >> 8) * 0x1p-24 }
      index += available
      blockIndex += 1
    }
  }

  /// Returns values `0 ..< count` of the normal stream (purpose, step, sample).
  public func normals(count: Int, purpose: RandomPurpose, step: Int, sample: Int) -> [Float] {
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer { buffer in
      if let base = buffer.baseAddress {
        fillNormal(base, count: count, purpose: purpose, step: step, sample: sample)
      }
    }
    return values
  }

  static func boxMuller(_ a: UInt32, _ b: UInt32) -> (Double, Double) {
    let u1 = (Double(a) + 1) * 0x1p-32
    let u2 = Double(b) * 0x1p-32
    let r = (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (r * cos(angle), r * sin(angle))
  }
}

/// A sequential `RandomNumberGenerator` over one (purpose, step, sample) stream of
/// ``CounterRandom``, for APIs such as `shuffle(using:)`. Its state is the stream's address
/// and ``position``, so it can be saved and resumed.
public struct CounterRandomGenerator: RandomNumberGenerator, Hashable, Sendable {
  /// The underlying generator.
  public let random: CounterRandom

  /// The stream's purpose.
  public let purpose: RandomPurpose

  /// The stream's step number.
  public let step: Int

  /// The stream's sample number.
  public let sample: Int

  /// Number of 64-bit values drawn so far.
  public var position: Int

  /// Creates a generator at `position` of the stream (purpose, step, sample).
  public init(
    random: CounterRandom, purpose: RandomPurpose, step: Int, sample: Int, position: Int = 0
  ) {
    self.random = random
    self.purpose = purpose
    self.step = step
    self.sample = sample
    self.position = position
  }

  /// Returns the next 64 bits: half a Philox block.
  public mutating func next() -> UInt64 {
    let words = random.block(purpose: purpose, step: step, sample: sample, block: position / 2)
    let (low, high) = position % 2 == 0 ? (words.0, words.1) : (words.2, words.3)
    position += 1
    return UInt64(high) << 32 | UInt64(low)
  }
}
