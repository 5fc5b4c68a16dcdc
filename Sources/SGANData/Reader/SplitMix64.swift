/// The SplitMix64 generator (the one behind Java's `SplittableRandom`, with the constants of
/// the widely used `splitmix64.c`): a 64-bit counter advanced by the golden-ratio increment
/// and passed through a mixing function.
///
/// Every output is a pure function of the seed and the number of draws, which is what makes
/// the data order reproducible from `(seed, epoch)` alone.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The counter; the next output is `mix(state + increment)`.
  public private(set) var state: UInt64

  /// 2^64 / golden ratio, rounded to odd.
  static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// Creates a generator whose counter starts at `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// Creates the generator for one epoch of a data order: its seed mixes `seed` and `epoch`,
  /// so every (seed, epoch) pair starts its own stream.
  public init(seed: UInt64, epoch: Int) {
    precondition(epoch >= 0, "epoch \(epoch) is negative")
    self.init(seed: SplitMix64.mix(SplitMix64.mix(seed) &+ UInt64(epoch)))
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= SplitMix64.increment
    return SplitMix64.mix(state)
  }

  /// Returns a uniform integer in `0..<bound` without modulo bias, by Lemire's
  /// multiply-and-reject method: the high word of `random * bound` is the result, and draws
  /// whose low word is below `2^64 mod bound` are rejected.
  public mutating func nextIndex(below bound: Int) -> Int {
    precondition(bound > 0, "bound \(bound) is not positive")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold {
        product = next().multipliedFullWidth(by: range)
      }
    }
    return Int(product.high)
  }

  /// The SplitMix64 output function, a bijection on 64-bit values.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The order in which one epoch visits a split.
public enum EpochOrder {
  /// Returns a permutation of `0..<count` that depends only on `(seed, epoch)`.
  ///
  /// Fisher-Yates from the last position down: position `i` swaps with a uniform position in
  /// `0...i`, drawn from `SplitMix64(seed:epoch:)`. Swift's `shuffle(using:)` is not used
  /// because its algorithm is not specified and could change between toolchains.
  public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var order = Array(0..<count)
    var generator = SplitMix64(seed: seed, epoch: epoch)
    var position = count - 1
    while position > 0 {
      let other = generator.nextIndex(below: position + 1)
      order.swapAt(position, other)
      position -= 1
    }
    return order
  }
}
