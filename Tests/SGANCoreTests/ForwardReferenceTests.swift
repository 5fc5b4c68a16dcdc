import Testing

@testable import SGANCore

/// Forward passes against direct loops in Float64 written from the layers' definitions.
/// The gradient checks only show that each backward pass matches its own forward pass; these
/// tests pin the forward passes themselves.
@Suite struct ForwardReferenceTests {
  /// Returns y[n, o, i, j] = b[o] + Σ_{c, kh, kw} x[n, c, i·S - P + kh, j·S - P + kw] · w[o, c, kh, kw],
  /// with x = 0 outside the image.
  func referenceConvolution(
    _ x: Tensor, weight w: Tensor, bias: Tensor?, stride: Int, padding: Int,
    outputShape: TensorShape
  ) -> [Double] {
    let (K, C) = (w.shape.height, x.shape.channels)
    var y = [Double](repeating: 0, count: outputShape.count)
    for n in 0..<outputShape.batch {
      for o in 0..<outputShape.channels {
        for i in 0..<outputShape.height {
          for j in 0..<outputShape.width {
            var total = bias.map { Double($0[o]) } ?? 0
            for c in 0..<C {
              for kh in 0..<K {
                for kw in 0..<K {
                  let (row, column) = (i * stride - padding + kh, j * stride - padding + kw)
                  guard row >= 0, row < x.shape.height, column >= 0, column < x.shape.width else {
                    continue
                  }
                  total += Double(x[n, c, row, column]) * Double(w[o, c, kh, kw])
                }
              }
            }
            y[((n * outputShape.channels + o) * outputShape.height + i) * outputShape.width + j] =
              total
          }
        }
      }
    }
    return y
  }

  /// Returns the transposed convolution as PyTorch defines it: every input value
  /// x[n, c, i, j] adds x · w[c, o, kh, kw] to y[n, o, i·S - P + kh, j·S - P + kw] where that
  /// position lies inside the output.
  func referenceTransposedConvolution(
    _ x: Tensor, weight w: Tensor, bias: Tensor?, stride: Int, padding: Int,
    outputShape: TensorShape
  ) -> [Double] {
    let K = w.shape.height
    var y = [Double](repeating: 0, count: outputShape.count)
    func index(_ n: Int, _ o: Int, _ row: Int, _ column: Int) -> Int {
      ((n * outputShape.channels + o) * outputShape.height + row) * outputShape.width + column
    }
    for n in 0..<x.shape.batch {
      for c in 0..<x.shape.channels {
        for i in 0..<x.shape.height {
          for j in 0..<x.shape.width {
            for o in 0..<outputShape.channels {
              for kh in 0..<K {
                for kw in 0..<K {
                  let (row, column) = (i * stride - padding + kh, j * stride - padding + kw)
                  guard row >= 0, row < outputShape.height, column >= 0, column < outputShape.width
                  else { continue }
                  y[index(n, o, row, column)] += Double(x[n, c, i, j]) * Double(w[c, o, kh, kw])
                }
              }
            }
          }
        }
      }
    }
    if let bias {
      for n in 0..<outputShape.batch {
        for o in 0..<outputShape.channels {
          for row in 0..<outputShape.height {
            for column in 0..<outputShape.width { y[index(n, o, row, column)] += Double(bias[o]) }
          }
        }
      }
    }
    return y
  }

  /// Returns the parameter views of a one-layer network: the weight, then the bias if any.
  func parameterViews(_ network: Network) -> (weight: Tensor, bias: Tensor?) {
    let views = network.parameterEntries.map { entry in
      Tensor(
        storage: network.parameters.storage, offset: entry.offset,
        shape: ParameterDeclaration(
          name: entry.name, dimensions: entry.dimensions, role: entry.role
        )
        .shape)
    }
    return (views[0], views.count > 1 ? views[1] : nil)
  }

  @Test(arguments: LayerGradientTests.convolutionCases)
  func conv2DForwardMatchesDirectLoops(_ configuration: ConvolutionCase) {
    let layer = Conv2d(
      inputChannels: configuration.inputChannels, outputChannels: configuration.outputChannels,
      kernelSize: configuration.kernel, stride: configuration.stride,
      padding: configuration.padding, bias: configuration.bias)
    let shape = TensorShape(
      configuration.batch, configuration.inputChannels, configuration.height, configuration.width)
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 80)
    let input = randomTensor(shape, seed: 81)

    let output = network.forward(input)
    let (weight, bias) = parameterViews(network)
    let expected = referenceConvolution(
      input, weight: weight, bias: bias, stride: configuration.stride,
      padding: configuration.padding, outputShape: output.shape)
    let mismatch = firstMismatch(output.values, expected, tolerance: 1e-5)
    #expect(mismatch == nil, "\(mismatch!)")
  }

  @Test(arguments: LayerGradientTests.transposedCases)
  func convTranspose2DForwardMatchesDirectLoops(_ configuration: ConvolutionCase) {
    let layer = ConvTranspose2d(
      inputChannels: configuration.inputChannels, outputChannels: configuration.outputChannels,
      kernelSize: configuration.kernel, stride: configuration.stride,
      padding: configuration.padding, bias: configuration.bias)
    let shape = TensorShape(
      configuration.batch, configuration.inputChannels, configuration.height, configuration.width)
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 82)
    let input = randomTensor(shape, seed: 83)

    let output = network.forward(input)
    let (weight, bias) = parameterViews(network)
    let expected = referenceTransposedConvolution(
      input, weight: weight, bias: bias, stride: configuration.stride,
      padding: configuration.padding, outputShape: output.shape)
    let mismatch = firstMismatch(output.values, expected, tolerance: 1e-5)
    #expect(mismatch == nil, "\(mismatch!)")
  }

  @Test func convTranspose2DOutputSizesFollowPyTorch() {
    // (H - 1)·stride - 2·padding + kernel: DCGAN's 1 → 4 and 4 → 8.
    let first = ConvTranspose2d(inputChannels: 1, outputChannels: 1, kernelSize: 4, stride: 1)
    let doubling = ConvTranspose2d(
      inputChannels: 1, outputChannels: 1, kernelSize: 4, stride: 2, padding: 1)
    #expect(first.outputShape(for: TensorShape(2, 1, 1, 1)) == TensorShape(2, 1, 4, 4))
    #expect(doubling.outputShape(for: TensorShape(2, 1, 4, 4)) == TensorShape(2, 1, 8, 8))
  }

  @Test func linearForwardMatchesDirectLoops() {
    let shape = TensorShape(3, 2, 2, 2)
    let network = singleLayerNetwork(
      Linear(inputFeatures: 8, outputFeatures: 5), inputShape: shape, seed: 84)
    let input = randomTensor(shape, seed: 85)

    let output = network.forward(input)
    let (weight, bias) = parameterViews(network)
    var expected: [Double] = []
    for n in 0..<3 {
      for o in 0..<5 {
        var total = Double(bias![o])
        for i in 0..<8 { total += Double(weight[o * 8 + i]) * Double(input[n * 8 + i]) }
        expected.append(total)
      }
    }
    let mismatch = firstMismatch(output.values, expected, tolerance: 1e-5)
    #expect(output.shape == TensorShape(3, 5, 1, 1))
    #expect(mismatch == nil, "\(mismatch!)")
  }

  @Test func batchNormTrainingFollowsPyTorch() {
    let shape = TensorShape(4, 3, 2, 3)
    let network = singleLayerNetwork(BatchNorm2d(channels: 3), inputShape: shape, seed: 86)
    let input = randomTensor(shape, seed: 87, mean: 2, standardDeviation: 3)
    let (scale, shift) = parameterViews(network)

    let output = network.forward(input)
    for c in 0..<3 {
      var values: [Double] = []
      for n in 0..<4 {
        for i in 0..<6 { values.append(Double(input[(n * 3 + c) * 6 + i])) }
      }
      let count = Double(values.count)
      let mean = values.reduce(0, +) / count
      let biasedVariance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count

      // y = gamma·(x - mean) / sqrt(var + 1e-5) + beta, with the biased batch variance.
      var expected: [Double] = []
      var actual: [Float] = []
      for n in 0..<4 {
        for i in 0..<6 {
          let x = Double(input[(n * 3 + c) * 6 + i])
          expected.append(
            Double(scale[c]) * (x - mean) / (biasedVariance + 1e-5).squareRoot() + Double(shift![c])
          )
          actual.append(output[(n * 3 + c) * 6 + i])
        }
      }
      let mismatch = firstMismatch(actual, expected, tolerance: 1e-5)
      #expect(mismatch == nil, "channel \(c): \(mismatch!)")

      // Running estimates start at 0 and 1 and move 10% towards the batch statistics, with
      // the unbiased variance.
      let runningMean = network.runningStatistics[c]
      let runningVariance = network.runningStatistics[3 + c]
      #expect(abs(Double(runningMean) - 0.1 * mean) < 1e-5)
      #expect(
        abs(Double(runningVariance) - (0.9 + 0.1 * biasedVariance * count / (count - 1))) < 1e-5)
    }
    #expect(network.batchCounters[0] == 1)
  }

  @Test func batchNormInferenceUsesRunningEstimates() {
    let shape = TensorShape(2, 2, 1, 3)
    let network = singleLayerNetwork(BatchNorm2d(channels: 2), inputShape: shape, seed: 88)
    let (scale, shift) = parameterViews(network)
    network.runningStatistics.copy(
      from: Tensor(shape: TensorShape(flat: 4), values: [0.5, -1, 4, 0.25]))
    network.mode = .inference

    let input = randomTensor(shape, seed: 89)
    let output = network.forward(input)
    var expected: [Double] = []
    for n in 0..<2 {
      for c in 0..<2 {
        let (mean, variance) = ([0.5, -1.0][c], [4.0, 0.25][c])
        for i in 0..<3 {
          let x = Double(input[(n * 2 + c) * 3 + i])
          expected.append(
            Double(scale[c]) * (x - mean) / (variance + 1e-5).squareRoot() + Double(shift![c]))
        }
      }
    }
    let mismatch = firstMismatch(output.values, expected, tolerance: 1e-5)
    #expect(mismatch == nil, "\(mismatch!)")
    #expect(network.batchCounters[0] == 0)
  }
}
