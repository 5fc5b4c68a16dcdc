import Testing

@testable import SGANCore

/// A convolution configuration with a readable test id.
struct ConvolutionCase: CustomTestStringConvertible, Sendable {
  var inputChannels: Int
  var outputChannels: Int
  var kernel: Int
  var stride: Int
  var padding: Int
  var height: Int
  var width: Int
  var bias = true
  var batch = 3

  var testDescription: String {
    "\(inputChannels)→\(outputChannels) k\(kernel) s\(stride) p\(padding) on \(height)x\(width)"
      + " batch \(batch)\(bias ? "" : " no bias")"
  }
}

@Suite struct LayerGradientTests {
  static let convolutionCases = [
    ConvolutionCase(
      inputChannels: 2, outputChannels: 3, kernel: 3, stride: 1, padding: 1, height: 5, width: 6),
    ConvolutionCase(
      inputChannels: 3, outputChannels: 4, kernel: 4, stride: 2, padding: 1, height: 8, width: 8),
    // The kernel covers the unpadded input: the dense path without im2col.
    ConvolutionCase(
      inputChannels: 4, outputChannels: 1, kernel: 4, stride: 1, padding: 0, height: 4, width: 4),
    ConvolutionCase(
      inputChannels: 3, outputChannels: 2, kernel: 4, stride: 2, padding: 0, height: 4, width: 4,
      bias: false),
    // A 1x1 output grid that still needs im2col because of padding.
    ConvolutionCase(
      inputChannels: 2, outputChannels: 3, kernel: 3, stride: 2, padding: 1, height: 2, width: 2),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 2, kernel: 1, stride: 1, padding: 0, height: 3, width: 3,
      bias: false),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 3, kernel: 3, stride: 2, padding: 0, height: 7, width: 5,
      bias: false),
    ConvolutionCase(
      inputChannels: 1, outputChannels: 2, kernel: 5, stride: 3, padding: 2, height: 9, width: 10),
    // A grid of 36x36 = 1296 columns gives one GEMM per sample instead of one per group.
    ConvolutionCase(
      inputChannels: 1, outputChannels: 2, kernel: 3, stride: 1, padding: 1, height: 36, width: 36,
      batch: 2),
  ]

  static let transposedCases = [
    ConvolutionCase(
      inputChannels: 3, outputChannels: 2, kernel: 4, stride: 2, padding: 1, height: 4, width: 4),
    // A 1x1 unpadded input: the dense path without col2im.
    ConvolutionCase(
      inputChannels: 5, outputChannels: 3, kernel: 4, stride: 1, padding: 0, height: 1, width: 1,
      bias: false),
    ConvolutionCase(
      inputChannels: 4, outputChannels: 2, kernel: 3, stride: 2, padding: 0, height: 1, width: 1),
    // A 1x1 input that still needs col2im because of padding.
    ConvolutionCase(
      inputChannels: 3, outputChannels: 2, kernel: 3, stride: 1, padding: 1, height: 1, width: 1),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 3, kernel: 3, stride: 1, padding: 1, height: 5, width: 4),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 2, kernel: 3, stride: 2, padding: 0, height: 3, width: 5,
      bias: false),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 1, kernel: 5, stride: 3, padding: 2, height: 4, width: 3),
    ConvolutionCase(
      inputChannels: 2, outputChannels: 1, kernel: 4, stride: 2, padding: 1, height: 33, width: 33,
      batch: 2),
  ]

  @Test(arguments: convolutionCases)
  func conv2DBackwardMatchesFiniteDifferences(_ configuration: ConvolutionCase) {
    let layer = Conv2d(
      inputChannels: configuration.inputChannels, outputChannels: configuration.outputChannels,
      kernelSize: configuration.kernel, stride: configuration.stride,
      padding: configuration.padding, bias: configuration.bias)
    let shape = TensorShape(
      configuration.batch, configuration.inputChannels, configuration.height, configuration.width)
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 1)

    // The loss is linear in each coordinate, so a large step adds no truncation error.
    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 2))
    #expect(report.checkedCoordinates > 0)
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test(arguments: transposedCases)
  func convTranspose2DBackwardMatchesFiniteDifferences(_ configuration: ConvolutionCase) {
    let layer = ConvTranspose2d(
      inputChannels: configuration.inputChannels, outputChannels: configuration.outputChannels,
      kernelSize: configuration.kernel, stride: configuration.stride,
      padding: configuration.padding, bias: configuration.bias)
    let shape = TensorShape(
      configuration.batch, configuration.inputChannels, configuration.height, configuration.width)
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 3)

    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 4))
    #expect(report.checkedCoordinates > 0)
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test func linearBackwardMatchesFiniteDifferences() {
    let shape = TensorShape(3, 2, 2, 2)
    let network = singleLayerNetwork(
      Linear(inputFeatures: 8, outputFeatures: 5), inputShape: shape, seed: 5)

    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 6))
    #expect(report.checkedCoordinates > 0)
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test(arguments: [NetworkMode.training, .inference])
  func batchNormBackwardMatchesFiniteDifferences(mode: NetworkMode) {
    let shape = TensorShape(4, 3, 3, 2)
    let network = singleLayerNetwork(BatchNorm2d(channels: 3), inputShape: shape, seed: 7)
    network.mode = mode
    for entry in network.runningStatisticEntries {
      let isVariance = entry.name.hasSuffix("running_var")
      for i in entry.range {
        network.runningStatistics[i] = isVariance ? 0.5 + Float(i) * 0.3 : 0.2 * Float(i) - 0.3
      }
    }

    // Inputs with a non-zero mean and unequal spread per channel.
    let input = randomTensor(shape, seed: 8, mean: 0.7, standardDeviation: 1.5)
    let report = GradientChecker(epsilon: 1e-2).check(network, input: input)
    #expect(report.checkedCoordinates > 0)
    #expect(report.failures.isEmpty, "\(report)")
  }

  static let activations: [(String, @Sendable () -> any Layer)] = [
    ("ReLU", { ReLU() }), ("LeakyReLU", { LeakyReLU(negativeSlope: 0.2) }),
    ("Tanh", { Tanh() }), ("Sigmoid", { Sigmoid() }),
  ]

  @Test(arguments: ["ReLU", "LeakyReLU", "Tanh", "Sigmoid"])
  func activationBackwardMatchesFiniteDifferences(name: String) {
    let make = Self.activations.first { $0.0 == name }!.1
    let shape = TensorShape(2, 3, 2, 3)
    let network = singleLayerNetwork(make(), inputShape: shape, seed: 9)

    // Inputs at least 0.1 away from the rectifiers' kink, and a step below that.
    let report = GradientChecker(epsilon: 1e-2).check(
      network, input: tensorAwayFromZero(shape, seed: 10))
    #expect(report.checkedCoordinates == shape.count)
    #expect(report.failures.isEmpty, "\(report)")
  }
}
