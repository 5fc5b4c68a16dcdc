/// The mapping from stored `uint8` pixels to `Float` network inputs.
public enum PixelScaling: String, CaseIterable, Sendable, CustomStringConvertible {
  /// `x / 127.5 - 1`, onto `[-1, 1]`: 0 maps to -1 and 255 to 1, the range of a `tanh`
  /// generator output, as DCGAN uses it.
  case minusOneToOne

  /// `x / 256`, onto `[0, 1)`: 0 maps to 0 and 255 to 0.99609375.
  case zeroToOne

  /// The name used on the command line and in logs.
  public var description: String {
    switch self {
    case .minusOneToOne: "[-1, 1]"
    case .zeroToOne: "[0, 1)"
    }
  }

  /// Returns the 256 scaled values, index = stored byte. Each is rounded once from the exact
  /// value in `Double`, so the table is the correctly rounded `Float` of the formula.
  public func lookupTable() -> [Float] {
    (0...255).map { byte in
      switch self {
      case .minusOneToOne: Float(Double(byte) / 127.5 - 1)
      case .zeroToOne: Float(Double(byte) / 256)
      }
    }
  }
}

/// Converts one HWC `uint8` image into one CHW `Float` image through a lookup table.
///
/// - Parameters:
///   - image: `[H, W, C]` bytes.
///   - table: 256 values, from `PixelScaling.lookupTable()`.
///   - destination: the `[C, H, W]` slot of one image inside an `[N, C, H, W]` batch.
/// Letters: `p` is the pixel index `h * W + w` and `c` the channel. Never allocates.
func convertImage(
  _ image: UnsafePointer<UInt8>, shape: PackedImageShape, table: UnsafePointer<Float>,
  into destination: UnsafeMutablePointer<Float>
) {
  let pixels = shape.height * shape.width
  let channels = shape.channels
  for c in 0..<channels {
    // Plane c of the CHW output starts at c * H * W.
    let plane = destination + c * pixels
    for p in 0..<pixels {
      plane[p] = table[Int(image[p * channels + c])]
    }
  }
}
