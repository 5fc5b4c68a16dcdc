/// An 8-bit image with interleaved channels, stored row by row.
///
/// Layout: `pixels[(y * width + x) * channels + c]`, that is `[H, W, C]` with
/// C = 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA). Alpha is straight
/// (colour values are not multiplied by alpha). Decoders reduce 16-bit
/// sources to 8 bits before they build an `Image`.
public struct Image: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int

  /// Height in pixels.
  public let height: Int

  /// Channels per pixel: 1, 2, 3 or 4.
  public let channels: Int

  /// Samples in `[H, W, C]` order, `width * height * channels` of them.
  public var pixels: [UInt8]

  /// Creates an image from samples in `[H, W, C]` order.
  ///
  /// - Precondition: width and height are positive, `channels` is 1 to 4, and
  ///   `pixels.count == width * height * channels`.
  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "Image size \(width)x\(height) must be positive")
    precondition((1...4).contains(channels), "Image channel count \(channels) must be 1 to 4")
    precondition(
      pixels.count == width * height * channels,
      "Image \(width)x\(height)x\(channels) needs \(width * height * channels) samples, "
        + "got \(pixels.count)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// Creates an image with every sample set to `value`.
  public init(width: Int, height: Int, channels: Int, filledWith value: UInt8 = 0) {
    self.init(
      width: width, height: height, channels: channels,
      pixels: [UInt8](repeating: value, count: width * height * channels))
  }

  /// Whether the last channel is alpha (2 or 4 channels).
  public var hasAlpha: Bool { channels == 2 || channels == 4 }

  /// Returns the sample at row `y`, column `x`, channel `channel`.
  public subscript(y: Int, x: Int, channel: Int) -> UInt8 {
    get { pixels[(y * width + x) * channels + channel] }
    set { pixels[(y * width + x) * channels + channel] = newValue }
  }
}

extension Image: CustomStringConvertible {
  /// The size as `WIDTHxHEIGHTxCHANNELS`, the form error messages use.
  public var description: String { "\(width)x\(height)x\(channels)" }
}
