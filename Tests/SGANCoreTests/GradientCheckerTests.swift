import Testing

@testable import SGANCore

/// A layer that wraps another and corrupts one of its gradients by a relative amount, to show
/// that the gradient checker rejects a backward pass that is only slightly wrong.
final class MiscalibratedLayer: Layer {
  enum Corruption {
    /// Multiplies the whole input gradient by (1 + error).
    case scaleInputGradient(Float)

    /// Multiplies one parameter gradient value by (1 + error).
    case scaleParameterGradient(index: Int, Float)
  }

  let wrapped: any Layer
  let corruption: Corruption
  private var gradients: [Tensor] = []

  init(_ wrapped: any Layer, corruption: Corruption) {
    self.wrapped = wrapped
    self.corruption = corruption
  }

  var description: String { "Miscalibrated(\(wrapped))" }
  var parameterDeclarations: [ParameterDeclaration] { wrapped.parameterDeclarations }

  func outputShape(for inputShape: TensorShape) -> TensorShape {
    wrapped.outputShape(for: inputShape)
  }

  func scratchCount(forInput inputShape: TensorShape) -> Int {
    wrapped.scratchCount(forInput: inputShape)
  }

  func bind(parameters: [Tensor], gradients: [Tensor]) {
    wrapped.bind(parameters: parameters, gradients: gradients)
    self.gradients = gradients
  }

  func makeUnboundCopy() -> any Layer {
    MiscalibratedLayer(wrapped.makeUnboundCopy(), corruption: corruption)
  }

  func forward(_ input: Tensor, into output: Tensor, workspace: Workspace) {
    wrapped.forward(input, into: output, workspace: workspace)
  }

  func backward(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor?,
    workspace: Workspace
  ) {
    // Corrupt only this call's contribution, since parameter gradients accumulate.
    let before = gradients.first?.values ?? []
    wrapped.backward(
      outputGradient: outputGradient, input: input, output: output, into: inputGradient,
      workspace: workspace)

    switch corruption {
    case .scaleInputGradient(let error):
      if let inputGradient {
        for i in 0..<inputGradient.count { inputGradient[i] *= 1 + error }
      }
    case .scaleParameterGradient(let index, let error):
      let weights = gradients[0]
      weights[index] = before[index] + (weights[index] - before[index]) * (1 + error)
    }
  }
}

@Suite struct GradientCheckerTests {
  let shape = TensorShape(3, 2, 5, 5)

  func convolution() -> Conv2d {
    Conv2d(inputChannels: 2, outputChannels: 2, kernelSize: 3, stride: 1, padding: 1)
  }

  @Test func gradientCheckerAcceptsCorrectConvolution() {
    let network = singleLayerNetwork(convolution(), inputShape: shape, seed: 11)
    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 12))
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test(arguments: [Float(0.02), -0.02])
  func gradientCheckerRejectsScaledInputGradient(error: Float) {
    let layer = MiscalibratedLayer(convolution(), corruption: .scaleInputGradient(error))
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 11)

    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 12))
    let inputFailures = report.failures.filter { $0.tensor == "input" }
    let parameterFailures = report.failures.filter { $0.tensor != "input" }
    #expect(!inputFailures.isEmpty, "\(report)")
    #expect(parameterFailures.isEmpty, "\(report)")
  }

  @Test(arguments: [0, 17, 35])
  func gradientCheckerRejectsOneWrongWeightGradient(index: Int) {
    let layer = MiscalibratedLayer(
      convolution(), corruption: .scaleParameterGradient(index: index, 0.03))
    let network = singleLayerNetwork(layer, inputShape: shape, seed: 11)

    let report = GradientChecker(epsilon: 0.1).check(network, input: randomTensor(shape, seed: 12))
    #expect(report.failures.count == 1, "\(report)")
    #expect(report.failures.first?.tensor == "main.0.weight")
    #expect(report.failures.first?.index == index)
  }
}
