import Testing

@testable import SGANCore

/// An im2col geometry with a readable test id.
struct GeometryCase: CustomTestStringConvertible, Sendable {
  var channels: Int
  var height: Int
  var width: Int
  var kernel: Int
  var stride: Int
  var padding: Int
  var samples: Int

  var geometry: ConvolutionGeometry {
    ConvolutionGeometry(
      channels: channels, height: height, width: width, kernel: kernel, stride: stride,
      padding: padding)
  }

  var testDescription: String {
    "\(channels)x\(height)x\(width) k\(kernel) s\(stride) p\(padding), \(samples) samples"
  }
}

/// Returns the column matrices of `samples` images from the definition, one entry at a time.
private func referenceColumns(_ grid: ConvolutionGeometry, images: [Float], samples: Int)
  -> [Float]
{
  let (K, OW) = (grid.kernel, grid.gridWidth)
  let columnCount = samples * grid.gridCount
  var columns = [Float](repeating: .nan, count: grid.columnRows * columnCount)
  for c in 0..<grid.channels {
    for kh in 0..<K {
      for kw in 0..<K {
        let row = (c * K + kh) * K + kw
        for g in 0..<samples {
          for oh in 0..<grid.gridHeight {
            for ow in 0..<OW {
              let ih = oh * grid.stride - grid.padding + kh
              let iw = ow * grid.stride - grid.padding + kw
              let inside = ih >= 0 && ih < grid.height && iw >= 0 && iw < grid.width
              let value =
                inside ? images[g * grid.imageCount + (c * grid.height + ih) * grid.width + iw] : 0
              columns[row * columnCount + g * grid.gridCount + oh * OW + ow] = value
            }
          }
        }
      }
    }
  }
  return columns
}

@Suite struct Im2ColTests {
  // Rows wide enough for the vector steps of stride 2, with odd widths and paddings that
  // leave a scalar tail on either side.
  static let cases = [
    GeometryCase(channels: 2, height: 32, width: 32, kernel: 4, stride: 2, padding: 1, samples: 2),
    GeometryCase(channels: 1, height: 9, width: 23, kernel: 4, stride: 2, padding: 1, samples: 3),
    GeometryCase(channels: 2, height: 8, width: 21, kernel: 3, stride: 2, padding: 0, samples: 2),
    GeometryCase(channels: 1, height: 7, width: 30, kernel: 5, stride: 2, padding: 2, samples: 1),
    GeometryCase(channels: 2, height: 6, width: 17, kernel: 3, stride: 1, padding: 1, samples: 2),
    GeometryCase(channels: 1, height: 8, width: 8, kernel: 4, stride: 2, padding: 1, samples: 4),
    GeometryCase(channels: 1, height: 11, width: 13, kernel: 5, stride: 3, padding: 2, samples: 2),
  ]

  @Test(arguments: cases)
  func imagesToColumnsMatchesDefinition(_ geometryCase: GeometryCase) {
    let grid = geometryCase.geometry
    let samples = geometryCase.samples
    let images = randomTensor(TensorShape(flat: samples * grid.imageCount), seed: 70)
    let columns = Tensor(shape: TensorShape(flat: grid.columnRows * samples * grid.gridCount))
    columns.fill(.nan)

    grid.imagesToColumns(images.pointer, samples: samples, into: columns.pointer)

    let expected = referenceColumns(grid, images: images.values, samples: samples)
    #expect(firstMismatch(columns.values, expected, tolerance: 0) == nil)
  }

  /// col2im is the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for every x and y.
  @Test(arguments: cases)
  func addColumnsToImagesIsAdjoint(_ geometryCase: GeometryCase) {
    let grid = geometryCase.geometry
    let samples = geometryCase.samples
    let images = randomTensor(TensorShape(flat: samples * grid.imageCount), seed: 71)
    let columns = randomTensor(
      TensorShape(flat: grid.columnRows * samples * grid.gridCount), seed: 72)

    let imageColumns = referenceColumns(grid, images: images.values, samples: samples)
    let start = randomTensor(images.shape, seed: 73)
    let accumulated = Tensor(shape: images.shape, values: start.values)
    grid.addColumnsToImages(columns.pointer, samples: samples, into: accumulated.pointer)

    var left = 0.0
    for (a, b) in zip(imageColumns, columns.values) { left += Double(a) * Double(b) }
    var right = 0.0
    for i in 0..<images.count {
      right += Double(images[i]) * (Double(accumulated[i]) - Double(start[i]))
    }
    #expect(
      abs(left - right) <= 1e-4 * max(1, abs(left)), "⟨im2col x, y⟩ \(left), ⟨x, col2im y⟩ \(right)"
    )
  }

  @Test(arguments: [0, 1, 3, 4, 5, 8, 9, 13])
  func copyEvenElementsCopiesEveryOther(count: Int) {
    // The source ends right after the last element read, so a read past it would show in
    // the address sanitizer and, without one, in the values copied.
    let source = (0..<max(2 * count - 1, 0)).map { Float($0) }
    var destination = [Float](repeating: -1, count: count + 1)
    source.withUnsafeBufferPointer { from in
      destination.withUnsafeMutableBufferPointer { to in
        if let base = from.baseAddress {
          copyEvenElements(from: base, into: to.baseAddress!, count: count)
        }
      }
    }
    #expect(Array(destination[0..<count]) == (0..<count).map { Float(2 * $0) })
    #expect(destination[count] == -1)
  }
}
