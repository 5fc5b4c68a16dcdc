/// A separable resize from one fixed input size to one fixed output size.
///
/// `init` computes the per-output-pixel weights of both axes once (see
/// `AxisWeights` for their exact definition). Build one resampler per
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
    let outputWidth = outputWidth
    let inputHeight = inputHeight
    horizontal.weights.withUnsafeBufferPointer { weights in
      horizontal.starts.withUnsafeBufferPointer { starts in
        horizontal.counts.withUnsafeBufferPointer { counts in
          let source = source.baseAddress!
          let target = intermediate.baseAddress!
          for y in 0..<inputHeight {
            let sourceRow = source + ((box.top + y) * image.width + box.left) * channels
            let targetRow = target + y * outputWidth * channels
            for x in 0..<outputWidth {
              let first = sourceRow + starts[x] * channels
              let weightRow = weights.baseAddress! + x * taps
              let count = counts[x]
              let output = targetRow + x * channels
              if channels == 3 {
                // The common RGB case, unrolled so that the three sums stay in registers.
                var (r, g, b): (Float, Float, Float) = (0, 0, 0)
                for k in 0..<count {
                  let weight = weightRow[k]
                  let pixel = first + 3 * k
                  r += weight * Float(pixel[0])
                  g += weight * Float(pixel[1])
                  b += weight * Float(pixel[2])
                }
                (output[0], output[1], output[2]) = (r, g, b)
              } else {
                for c in 0..<channels {
                  var sum: Float = 0
                  for k in 0..<count { sum += weightRow[k] * Float(first[k * channels + c]) }
                  output[c] = sum
                }
              }
            }
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
    let outputHeight = outputHeight
    withUnsafeTemporaryAllocation(of: Float.self, capacity: rowLength) { accumulatorBuffer in
      vertical.weights.withUnsafeBufferPointer { weights in
        vertical.starts.withUnsafeBufferPointer { starts in
          vertical.counts.withUnsafeBufferPointer { counts in
            let accumulator = accumulatorBuffer.baseAddress!
            let source = intermediate.baseAddress!
            for y in 0..<outputHeight {
              accumulator.update(repeating: 0, count: rowLength)
              for k in 0..<counts[y] {
                let weight = weights[y * taps + k]
                let sourceRow = source + (starts[y] + k) * rowLength
                for i in 0..<rowLength { accumulator[i] += weight * sourceRow[i] }
              }
              let targetRow = target.baseAddress! + y * rowLength
              // Clamping first makes the value non-negative, so the
              // truncating conversion of value + 0.5 rounds to nearest
              // without a call to floor.
              for i in 0..<rowLength {
                let clamped = min(255, max(0, accumulator[i]))
                targetRow[i] = UInt8(clamped + 0.5)
              }
            }
          }
        }
      }
    }
  }
}
