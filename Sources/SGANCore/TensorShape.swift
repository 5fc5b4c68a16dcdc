/// The extent of a Float32 tensor in `[N, C, H, W]` order: batch, channels, height, width.
///
/// Vectors and matrices use trailing ones: a linear layer's activations are `[N, features, 1, 1]`
/// and a flat parameter buffer is `[count, 1, 1, 1]`. Storage is row-major, so `W` varies
/// fastest and one sample is the contiguous block of `C * H * W` values.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
  /// Number of samples, `N`.
  public var batch: Int

  /// Number of channels or features, `C`.
  public var channels: Int

  /// Number of rows, `H`.
  public var height: Int

  /// Number of columns, `W`.
  public var width: Int

  /// Creates a shape from its four extents; each must be non-negative.
  public init(_ batch: Int, _ channels: Int, _ height: Int, _ width: Int) {
    precondition(
      batch >= 0 && channels >= 0 && height >= 0 && width >= 0,
      "tensor extents must be non-negative, got [\(batch), \(channels), \(height), \(width)]")
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
  }

  /// Creates the shape `[count, 1, 1, 1]` of a flat buffer.
  public init(flat count: Int) {
    self.init(count, 1, 1, 1)
  }

  /// Total number of values, `N * C * H * W`.
  public var count: Int { batch * channels * height * width }

  /// Number of values in one sample, `C * H * W`.
  public var sampleCount: Int { channels * height * width }

  /// Number of values in one channel plane, `H * W`.
  public var planeCount: Int { height * width }

  /// Returns the same shape with the batch extent replaced.
  public func withBatch(_ batch: Int) -> TensorShape {
    TensorShape(batch, channels, height, width)
  }

  /// The shape in `[N, C, H, W]` notation.
  public var description: String { "[\(batch), \(channels), \(height), \(width)]" }
}
