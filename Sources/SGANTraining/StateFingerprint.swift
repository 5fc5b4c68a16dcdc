import SGANCore

/// A 64-bit FNV-1a hash of training state, to check that processes hold the same bits.
///
/// It hashes 32-bit words rather than bytes: about four times faster, and as good at telling
/// two copies of a state apart, which is all it is for. It is no checksum for files.
struct StateFingerprint {
  private var value: UInt64 = 0xcbf2_9ce4_8422_2325

  /// Mixes in one 64-bit value.
  mutating func add(_ word: UInt64) {
    mix(UInt32(truncatingIfNeeded: word))
    mix(UInt32(truncatingIfNeeded: word >> 32))
  }

  /// Mixes in every element of `tensor`, bit for bit.
  mutating func add(_ tensor: Tensor) {
    let words = UnsafeRawPointer(tensor.pointer).assumingMemoryBound(to: UInt32.self)
    for i in 0..<tensor.count {
      mix(words[i])
    }
  }

  /// The hash as 8 bytes, low byte first.
  var bytes: [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }

  private mutating func mix(_ word: UInt32) {
    value = (value ^ UInt64(word)) &* 0x0000_0100_0000_01b3
  }
}
