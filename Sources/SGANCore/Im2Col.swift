/// The index arithmetic that lowers a 2-D convolution to a matrix product.
///
/// Letters: C image channels, H and W image size, K kernel size, S stride, P padding,
/// OH and OW the size of the sliding-window grid, with `OH = (H + 2P - K) / S + 1`.
///
/// The column matrix of one image is `[C * K * K, OH * OW]`: row `(c * K + kh) * K + kw`,
/// column `oh * OW + ow` contains the image value at `(c, oh * S - P + kh, ow * S - P + kw)`,
/// or 0 where that position falls into the padding. For a convolution the image is the input;
/// for a transposed convolution it is the output and the grid is the input.
struct ConvolutionGeometry: Sendable, Equatable {
  let channels: Int
  let height: Int
  let width: Int
  let kernel: Int
  let stride: Int
  let padding: Int
  let gridHeight: Int
  let gridWidth: Int

  init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
    precondition(
      kernel > 0 && stride > 0 && padding >= 0,
      "invalid kernel \(kernel), stride \(stride), padding \(padding)")
    self.channels = channels
    self.height = height
    self.width = width
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    gridHeight = (height + 2 * padding - kernel) / stride + 1
    gridWidth = (width + 2 * padding - kernel) / stride + 1
    precondition(
      gridHeight > 0 && gridWidth > 0,
      "kernel \(kernel) with padding \(padding) does not fit an image of \(height)x\(width)")
  }

  /// Rows of the column matrix, `C * K * K`.
  var columnRows: Int { channels * kernel * kernel }

  /// Columns of one image's column matrix, `OH * OW`.
  var gridCount: Int { gridHeight * gridWidth }

  /// Values in one image, `C * H * W`.
  var imageCount: Int { channels * height * width }

  /// Returns the grid columns `ow` whose image column `ow * S - P + kw` lies inside `0 ..< W`.
  @inline(__always)
  func validGridColumns(kernelColumn kw: Int) -> Range<Int> {
    // ow * S >= P - kw  and  ow * S <= W - 1 + P - kw, with floor division for negatives.
    let lower = max(0, ceilingDivide(padding - kw, stride))
    let upper = min(gridWidth, floorDivide(width - 1 + padding - kw, stride) + 1)
    return lower..<max(lower, upper)
  }

  /// Writes the column matrices of `samples` consecutive images (`[G, C, H, W]`) side by side
  /// into `columns` (`[C * K * K, G * OH * OW]`, rows `G * OH * OW` apart): image g fills
  /// columns `g * OH * OW ..< (g + 1) * OH * OW`.
  ///
  /// The loop runs over kernel rows outermost, so each output row is written front to back
  /// and the valid range of each kernel column is computed once for the whole group. Stride 2,
  /// DCGAN's, gathers four values per vector step.
  func imagesToColumns(
    _ images: UnsafePointer<Float>, samples: Int, into columns: UnsafeMutablePointer<Float>
  ) {
    let (K, S, P, H, W, OH, OW) = (kernel, stride, padding, height, width, gridHeight, gridWidth)
    let (grid, leadingDimension) = (gridCount, samples * gridCount)

    for c in 0..<channels {
      for kh in 0..<K {
        // Grid rows whose image row oh * S - P + kh lies inside 0 ..< H.
        let rows = validGridRows(kernelRow: kh)
        for kw in 0..<K {
          let row = columns + ((c * K + kh) * K + kw) * leadingDimension
          let valid = validGridColumns(kernelColumn: kw)
          let (lower, upper) = (valid.lowerBound, valid.upperBound)

          for g in 0..<samples {
            let plane = images + g * imageCount + c * H * W
            let block = row + g * grid
            block.update(repeating: 0, count: rows.lowerBound * OW)
            for oh in rows {
              let destination = block + oh * OW

              // source[ow * S] is the image value under grid column ow.
              let source = plane + (oh * S - P + kh) * W - P + kw
              for ow in 0..<lower { destination[ow] = 0 }
              switch S {
              case 1:
                (destination + lower).update(from: source + lower, count: upper - lower)
              case 2:
                copyEvenElements(
                  from: source + 2 * lower, into: destination + lower, count: upper - lower)
              default:
                for ow in lower..<upper { destination[ow] = source[ow * S] }
              }
              for ow in upper..<OW { destination[ow] = 0 }
            }
            (block + rows.upperBound * OW).update(
              repeating: 0, count: (OH - rows.upperBound) * OW)
          }
        }
      }
    }
  }

  /// Adds every entry of the column matrices `columns` (`[C * K * K, G * OH * OW]`) back onto
  /// its position in the `samples` images `[G, C, H, W]`, the adjoint of
  /// ``imagesToColumns(_:samples:into:)``. Entries that fall into the padding are dropped.
  /// `images` is accumulated into, not overwritten.
  ///
  /// With stride 2, kernel columns kw and kw + 1 land on alternate image columns, so the loop
  /// takes them in pairs and adds eight interleaved values per vector step.
  func addColumnsToImages(
    _ columns: UnsafePointer<Float>, samples: Int, into images: UnsafeMutablePointer<Float>
  ) {
    let (K, S, P, H, W, OW) = (kernel, stride, padding, height, width, gridWidth)
    let (grid, leadingDimension) = (gridCount, samples * gridCount)

    for c in 0..<channels {
      for kh in 0..<K {
        let rows = validGridRows(kernelRow: kh)
        var kw = 0
        while kw < K {
          // Pairs of kernel columns for stride 2; single kernel columns otherwise.
          let paired = S == 2 && kw + 1 < K
          let rowA = columns + ((c * K + kh) * K + kw) * leadingDimension
          let rowB = rowA + leadingDimension
          let validA = validGridColumns(kernelColumn: kw)
          let validB = paired ? validGridColumns(kernelColumn: kw + 1) : 0..<0
          let commonLower = max(validA.lowerBound, validB.lowerBound)
          let commonUpper = min(validA.upperBound, validB.upperBound)
          let common = commonLower..<max(commonLower, commonUpper)

          for g in 0..<samples {
            let plane = images + g * imageCount + c * H * W
            for oh in rows {
              let offset = g * grid + oh * OW
              // destination[ow * S] is the image value under grid column ow for kw.
              let destination = plane + (oh * S - P + kh) * W - P + kw
              let a = rowA + offset
              if !paired {
                if S == 1 {
                  for ow in validA { destination[ow] += a[ow] }
                } else {
                  for ow in validA { destination[ow * S] += a[ow] }
                }
                continue
              }

              let b = rowB + offset
              if common.isEmpty {
                for ow in validA { destination[2 * ow] += a[ow] }
                for ow in validB { destination[2 * ow + 1] += b[ow] }
                continue
              }
              for ow in validA.lowerBound..<common.lowerBound { destination[2 * ow] += a[ow] }
              for ow in validB.lowerBound..<common.lowerBound { destination[2 * ow + 1] += b[ow] }
              addInterleaved(
                a + common.lowerBound, b + common.lowerBound,
                into: destination + 2 * common.lowerBound, count: common.count)
              for ow in common.upperBound..<validA.upperBound { destination[2 * ow] += a[ow] }
              for ow in common.upperBound..<validB.upperBound { destination[2 * ow + 1] += b[ow] }
            }
          }
          kw += paired ? 2 : 1
        }
      }
    }
  }

  /// Returns the grid rows `oh` whose image row `oh * S - P + kh` lies inside `0 ..< H`.
  @inline(__always)
  func validGridRows(kernelRow kh: Int) -> Range<Int> {
    let lower = max(0, ceilingDivide(padding - kh, stride))
    let upper = min(gridHeight, floorDivide(height - 1 + padding - kh, stride) + 1)
    return lower..<max(lower, upper)
  }
}

/// Writes `destination[i] = source[2 * i]` for `i < count`, four values per vector step.
/// Reads no further than `source[2 * (count - 1)]`.
@inline(__always)
func copyEvenElements(
  from source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
) {
  var i = 0
  // A step reads source[2i ... 2i + 7], which stays inside the row while i + 5 <= count.
  while i + 5 <= count {
    let values = UnsafeRawPointer(source + 2 * i).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(destination + i).storeBytes(of: values.evenHalf, as: SIMD4<Float>.self)
    i += 4
  }
  while i < count {
    destination[i] = source[2 * i]
    i += 1
  }
}

/// Adds `a[i]` to `destination[2 * i]` and `b[i]` to `destination[2 * i + 1]` for `i < count`,
/// eight values per vector step.
@inline(__always)
func addInterleaved(
  _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  into destination: UnsafeMutablePointer<Float>, count: Int
) {
  var i = 0
  while i + 4 <= count {
    var pair = SIMD8<Float>()
    pair.evenHalf = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Float>.self)
    pair.oddHalf = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Float>.self)
    let target = UnsafeMutableRawPointer(destination + 2 * i)
    let sum = target.loadUnaligned(as: SIMD8<Float>.self) + pair
    target.storeBytes(of: sum, as: SIMD8<Float>.self)
    i += 4
  }
  while i < count {
    destination[2 * i] += a[i]
    destination[2 * i + 1] += b[i]
    i += 1
  }
}

/// Copies samples `[G, R, Q]` (sample-major) into the matrix `[R, G * Q]`, where sample `g`
/// fills columns `g * Q ..< (g + 1) * Q`. This lets one GEMM cover a group of samples.
func gatherSamples(
  _ source: UnsafePointer<Float>, samples: Int, rows: Int, columns: Int,
  into destination: UnsafeMutablePointer<Float>
) {
  let leadingDimension = samples * columns
  for g in 0..<samples {
    for r in 0..<rows {
      (destination + r * leadingDimension + g * columns).update(
        from: source + (g * rows + r) * columns, count: columns)
    }
  }
}

/// Copies the matrix `[R, G * Q]` back into samples `[G, R, Q]`, the inverse of
/// ``gatherSamples(_:samples:rows:columns:into:)``.
func scatterSamples(
  _ source: UnsafePointer<Float>, samples: Int, rows: Int, columns: Int,
  into destination: UnsafeMutablePointer<Float>
) {
  let leadingDimension = samples * columns
  for g in 0..<samples {
    for r in 0..<rows {
      (destination + (g * rows + r) * columns).update(
        from: source + r * leadingDimension + g * columns, count: columns)
    }
  }
}

/// Returns how many samples one GEMM should cover so that it has at least `targetColumns`
/// columns when each sample contributes `columnsPerSample`, capped at `maxBatch`.
///
/// Wide products run near the GEMM peak; a late convolution layer with a 4x4 grid would
/// otherwise multiply into only 16 columns per call.
func samplesPerGroup(columnsPerSample: Int, maxBatch: Int, targetColumns: Int = 1024) -> Int {
  let needed = (targetColumns + columnsPerSample - 1) / max(columnsPerSample, 1)
  return max(1, min(maxBatch, needed))
}

@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
  let quotient = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

@inline(__always)
func ceilingDivide(_ a: Int, _ b: Int) -> Int {
  -floorDivide(-a, b)
}
