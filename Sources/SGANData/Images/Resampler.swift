/// A separable resize from one fixed input size to one fixed output size.
///
/// The per-output-pixel weights of both axes (see `AxisWeights` for their
/// exact definition) are computed once in `init`; build one resampler per
/// (input size, output size) pair and reuse it for every image of that size.
/// `resample` runs a horizontal pass into a Float buffer `[h_in, W_out, C]`,
/// then a vertical pass that rounds to the nearest integer and clamps to
/// 0...255.
///
/// Immutable and thread-safe; `resample` allocates only its output and the
/// intermediate buffer.
public struct Resampler: Sendable {
  /// The kernel used on both axes.
  public let filter: ResampleFilter

  /// Width of the region read from each image.
  public var inputWidth: Int { horizontal.inputSize }

  /// Height of the region read from each image.
  public var inputHeight: Int { vertical.inputSize }

  /// Width of the resized image.
  public var outputWidth: Int { horizontal.outputSize }

  /// Height of the resized image.
  public var outputHeight: Int { vertical.outputSize }

  let horizontal: AxisWeights
  let vertical: AxisWeights

  /// Precomputes the weights for resizing `inputWidth` x `inputHeight` regions
  /// to `outputWidth` x `outputHeight`.
  public init(
    filter: ResampleFilter = .triangle,
    inputWidth: Int, inputHeight: Int, outputWidth: Int, outputHeight: Int
  ) {
    self.filter = filter
    horizontal = AxisWeights(inputSize: inputWidth, outputSize: outputWidth, filter: filter)
    vertical = AxisWeights(inputSize: inputHeight, outputSize: outputHeight, filter: filter)
  }

  /// Resizes the region `box` of `image` and returns the result.
  ///
  /// - Precondition: the box lies inside the image and its size equals
  ///   (`inputWidth`, `inputHeight`). Validate it first with `CropBox.validate`.
  public func resample(_ image: Image, box: CropBox) -> Image {
    precondition(
      box.width == inputWidth && box.height == inputHeight,
      "Resampler built for \(inputWidth)x\(inputHeight) got a \(box.width)x\(box.height) box")
    precondition(
      box.top >= 0 && box.left >= 0 && box.top + box.height <= image.height
        && box.left + box.width <= image.width,
      "Box \(box) lies outside the \(image.width)x\(image.height) image")

    if inputWidth == outputWidth && inputHeight == outputHeight {
      // At scale 1 both kernels reduce to f(0) = 1 on the pixel itself.
      return image.copyingRegion(box)
    }

    let channels = image.channels
    let rowStride = outputWidth * channels
    var output = [UInt8](repeating: 0, count: outputHeight * rowStride)
    let intermediateCount = inputHeight * rowStride
    withUnsafeTemporaryAllocation(of: Float.self, capacity: intermediateCount) { intermediate in
      image.pixels.withUnsafeBufferPointer { source in
        resampleRows(source, image: image, box: box, into: intermediate)
      }
      output.withUnsafeMutableBufferPointer { target in
        resampleColumns(intermediate, channels: channels, into: target)
      }
    }
    return Image(width: outputWidth, height: outputHeight, channels: channels, pixels: output)
  }

  /// Horizontal pass: for each of the box's rows y and output column x,
  /// t[y, x, c] = sum_k w[x, k] * source[top + y, left + start[x] + k, c].
  private func resampleRows(
    _ source: UnsafeBufferPointer<UInt8>, image: Image, box: CropBox,
    into intermediate: UnsafeMutableBufferPointer<Float>
  ) {
    let channels = image.channels
    let taps = horizontal.maximumCount
    horizontal.weights.withUnsafeBufferPointer { weights in
      for y in 0..<inputHeight {
        let sourceRow = ((box.top + y) * image.width + box.left) * channels
        let targetRow = y * outputWidth * channels
        for x in 0..<outputWidth {
          let first = sourceRow + horizontal.starts[x] * channels
          let weightRow = x * taps
          for c in 0..<channels {
            var sum: Float = 0
            for k in 0..<horizontal.counts[x] {
              sum += weights[weightRow + k] * Float(source[first + k * channels + c])
            }
            intermediate[targetRow + x * channels + c] = sum
          }
        }
      }
    }
  }

  /// Vertical pass: out[y, x, c] = round(sum_k w[y, k] * t[start[y] + k, x, c]),
  /// accumulated a whole row at a time so the inner loop runs over
  /// contiguous memory.
  private func resampleColumns(
    _ intermediate: UnsafeMutableBufferPointer<Float>, channels: Int,
    into target: UnsafeMutableBufferPointer<UInt8>
  ) {
    let rowLength = outputWidth * channels
    let taps = vertical.maximumCount
    withUnsafeTemporaryAllocation(of: Float.self, capacity: rowLength) { accumulator in
      vertical.weights.withUnsafeBufferPointer { weights in
        for y in 0..<outputHeight {
          for i in 0..<rowLength { accumulator[i] = 0 }
          for k in 0..<vertical.counts[y] {
            let weight = weights[y * taps + k]
            let sourceRow = (vertical.starts[y] + k) * rowLength
            for i in 0..<rowLength { accumulator[i] += weight * intermediate[sourceRow + i] }
          }
          let targetRow = y * rowLength
          for i in 0..<rowLength {
            let rounded = (accumulator[i] + 0.5).rounded(.down)
            target[targetRow + i] = UInt8(min(255, max(0, rounded)))
          }
        }
      }
    }
  }
}
