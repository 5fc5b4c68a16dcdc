/// The step that brings a cropped image to the output size.
public enum FitMode: String, Sendable {
  /// Resamples to the output size with the chosen filter.
  case resize

  /// Centres the image on a black canvas of the output size, copying pixels
  /// unchanged; an image larger than the output is an error.
  case pad
}

/// The preprocessing applied to every image before packing: convert the
/// channels, crop, then resize or pad to the output size.
public struct ImagePreparation: Sendable, Equatable {
  /// Channels of the output: 1 (gray) or 3 (RGB).
  public var channels: Int

  /// The region kept from each decoded image.
  public var crop: CropRule

  /// Width of every output image.
  public var outputWidth: Int

  /// Height of every output image.
  public var outputHeight: Int

  /// Resize or pad after cropping.
  public var fit: FitMode

  /// The resampling kernel used when `fit` is `.resize`.
  public var filter: ResampleFilter

  /// Creates a preparation.
  ///
  /// - Precondition: `channels` is 1 or 3, and the output size is positive.
  public init(
    channels: Int, crop: CropRule, outputWidth: Int, outputHeight: Int,
    fit: FitMode = .resize, filter: ResampleFilter = .triangle
  ) {
    precondition(channels == 1 || channels == 3, "Output channels must be 1 or 3, got \(channels)")
    precondition(
      outputWidth > 0 && outputHeight > 0,
      "Output size \(outputWidth)x\(outputHeight) must be positive")
    self.channels = channels
    self.crop = crop
    self.outputWidth = outputWidth
    self.outputHeight = outputHeight
    self.fit = fit
    self.filter = filter
  }

  /// Returns DCGAN's CelebA preprocessing: RGB, a 108x108 centre crop of the 178x218
  /// aligned image (top 55, left 35), resized to `size` x `size` (64 by default).
  public static func celebA(size: Int = 64) -> ImagePreparation {
    ImagePreparation(
      channels: 3, crop: .centered(height: 108, width: 108), outputWidth: size, outputHeight: size)
  }

  /// Returns the preprocessing for 28x28 IDX digits at `size` x `size`.
  ///
  /// Size 28 keeps the digits as they are. Size 32 pads 2 black pixels on
  /// every side: every pixel stays exact and the strokes keep their width,
  /// while a 28 to 32 resize would widen each stroke by 32/28 and blur its
  /// edges over fractional pixels. Other sizes resize with the triangle
  /// filter, since padding a 28x28 digit to 64x64 would leave it tiny.
  public static func idx(size: Int, channels: Int = 1) -> ImagePreparation {
    let fit: FitMode = size == 32 ? .pad : .resize
    return ImagePreparation(
      channels: channels, crop: .none, outputWidth: size, outputHeight: size, fit: fit)
  }

  /// Bytes in one output image, `outputHeight * outputWidth * channels`.
  public var outputByteCount: Int { outputHeight * outputWidth * channels }

  /// A one-line description for the dataset's attributes, such as
  /// "3 channels, crop centred 108x108, resize to 64x64 with triangle filter".
  public var summary: String {
    let cropText: String
    switch crop {
    case .none: cropText = "no crop"
    case .centered(let height, let width): cropText = "crop centred \(width)x\(height)"
    case .centeredSquare: cropText = "crop largest centred square"
    case .box(let box): cropText = "crop \(box)"
    }
    let fitText =
      fit == .resize
      ? "resize to \(outputWidth)x\(outputHeight) with \(filter.rawValue) filter"
      : "pad with black to \(outputWidth)x\(outputHeight)"
    return "\(channels) channels, \(cropText), \(fitText)"
  }
}
