/// A per-worker stage that applies an `ImagePreparation` to decoded images:
/// channel conversion, crop, then resize or pad.
///
/// Caches one `Resampler` per input size, so the weights are computed once
/// per (input size, output size) pair and reused across images. It owns an
/// `ImageDecoder` and a mutable cache, so it is not thread-safe: each worker
/// thread needs its own preparer.
public final class ImagePreparer {
  /// The preprocessing this preparer applies.
  public let preparation: ImagePreparation

  /// The decoder for compressed inputs.
  public let decoder: ImageDecoder

  private var resamplers: [Int: Resampler] = [:]

  /// Creates a preparer with its own decoder.
  ///
  /// - Throws: `ImageError.jpegDecodingFailed` when TurboJPEG cannot allocate
  ///   its handle.
  public init(preparation: ImagePreparation) throws {
    self.preparation = preparation
    decoder = try ImageDecoder()
  }

  /// Returns the prepared pixels of a decoded image, `[H, W, C]` with the
  /// preparation's output size and channels.
  ///
  /// - Parameter path: the name that error messages report.
  /// - Throws: `ImageError.cropOutsideImage` or `.imageLargerThanPaddedSize`.
  public func prepare(_ image: Image, path: String) throws -> [UInt8] {
    let converted = image.converted(toChannels: preparation.channels)
    let box = try preparation.crop.box(
      imageWidth: converted.width, imageHeight: converted.height, path: path)

    switch preparation.fit {
    case .resize:
      let resampler = resampler(inputWidth: box.width, inputHeight: box.height)
      return resampler.resample(converted, box: box).pixels
    case .pad:
      let cropped = converted.copyingRegion(box)
      return try cropped.padded(
        toWidth: preparation.outputWidth, height: preparation.outputHeight, path: path
      ).pixels
    }
  }

  /// Decodes a JPEG or PNG file held in memory and prepares it.
  public func prepare(encoded bytes: UnsafeRawBufferPointer, path: String) throws -> [UInt8] {
    try prepare(try decoder.decode(bytes, path: path), path: path)
  }

  /// Reads, decodes and prepares the image file at `path`.
  public func prepareFile(atPath path: String) throws -> [UInt8] {
    try prepare(try decoder.decodeFile(atPath: path), path: path)
  }

  private func resampler(inputWidth: Int, inputHeight: Int) -> Resampler {
    let key = inputWidth << 32 | inputHeight
    if let cached = resamplers[key] { return cached }
    let created = Resampler(
      filter: preparation.filter, inputWidth: inputWidth, inputHeight: inputHeight,
      outputWidth: preparation.outputWidth, outputHeight: preparation.outputHeight)
    resamplers[key] = created
    return created
  }
}
