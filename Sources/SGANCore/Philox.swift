/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel Random Numbers: As Easy
/// as 1, 2, 3", SC 2011): a keyed bijection from a 128-bit counter to 128 random bits.
///
/// Every output depends only on (key, counter), so any thread can compute any part of a
/// stream without coordination.
public enum Philox4x32 {
  /// Four 32-bit words, a counter or an output block.
  public typealias Block = (UInt32, UInt32, UInt32, UInt32)

  /// Returns the block for `counter` under `key` after 10 rounds.
  @inline(__always)
  public static func block(counter: Block, key: (UInt32, UInt32)) -> Block {
    // Multipliers and Weyl key increments from the reference implementation (Random123).
    let (m0, m1): (UInt64, UInt64) = (0xD251_1F53, 0xCD9E_8D57)
    let (w0, w1): (UInt32, UInt32) = (0x9E37_79B9, 0xBB67_AE85)

    var (c0, c1, c2, c3) = counter
    var (k0, k1) = key
    for round in 0..<10 {
      if round > 0 {
        k0 &+= w0
        k1 &+= w1
      }
      let product0 = m0 &* UInt64(c0)
      let product1 = m1 &* UInt64(c2)
      let (hi0, lo0) = (
        UInt32(truncatingIfNeeded: product0 >> 32), UInt32(truncatingIfNeeded: product0)
      )
      let (hi1, lo1) = (
        UInt32(truncatingIfNeeded: product1 >> 32), UInt32(truncatingIfNeeded: product1)
      )
      (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
    }
    return (c0, c1, c2, c3)
  }
}
