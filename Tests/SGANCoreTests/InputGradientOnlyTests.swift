import Testing

@testable import SGANCore

/// A layer with parameters and the input shape to run it on, with a readable test id.
struct InputOnlyCase: CustomTestStringConvertible, Sendable {
  var name: String
  var inputShape: TensorShape
  var makeLayer: @Sendable () -> any Layer
  var mode = NetworkMode.training

  var testDescription: String { name }
}

/// Runs a forward pass of `network`, then a backward pass with or without parameter
/// gradients, starting from gradients filled with a sentinel. Returns the input gradient and
/// the gradient buffer afterwards.
private func backwardPass(
  _ network: Network, input: Tensor, outputGradient: Tensor, parameterGradients: Bool
) -> (input: [Float], parameters: [Float]) {
  network.gradients.fill(0.5)
  network.forward(input)
  network.backward(
    outputGradient: outputGradient, computeInputGradient: true,
    computeParameterGradients: parameterGradients)
  return (network.inputGradient.values, network.gradients.values)
}

@Suite struct InputGradientOnlyTests {
  static let cases: [InputOnlyCase] = [
    InputOnlyCase(
      name: "Conv2d k4 s2 p1", inputShape: TensorShape(3, 2, 10, 10),
      makeLayer: {
        Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 4, stride: 2, padding: 1)
      }),
    InputOnlyCase(
      name: "Conv2d covering its input", inputShape: TensorShape(3, 4, 4, 4),
      makeLayer: { Conv2d(inputChannels: 4, outputChannels: 2, kernelSize: 4) }),
    InputOnlyCase(
      name: "ConvTranspose2d k4 s2 p1", inputShape: TensorShape(3, 3, 5, 5),
      makeLayer: {
        ConvTranspose2d(inputChannels: 3, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1)
      }),
    InputOnlyCase(
      name: "ConvTranspose2d from 1x1", inputShape: TensorShape(3, 5, 1, 1),
      makeLayer: { ConvTranspose2d(inputChannels: 5, outputChannels: 2, kernelSize: 4) }),
    InputOnlyCase(
      name: "Linear", inputShape: TensorShape(3, 2, 2, 2),
      makeLayer: { Linear(inputFeatures: 8, outputFeatures: 5) }),
    InputOnlyCase(
      name: "BatchNorm2d training", inputShape: TensorShape(4, 3, 3, 2),
      makeLayer: { BatchNorm2d(channels: 3) }),
    InputOnlyCase(
      name: "BatchNorm2d inference", inputShape: TensorShape(4, 3, 3, 2),
      makeLayer: { BatchNorm2d(channels: 3) }, mode: .inference),
  ]

  @Test(arguments: cases)
  func inputOnlyBackwardMatchesFullBackward(_ layerCase: InputOnlyCase) {
    let network = singleLayerNetwork(
      layerCase.makeLayer(), inputShape: layerCase.inputShape, seed: 60)
    network.mode = layerCase.mode
    let input = randomTensor(layerCase.inputShape, seed: 61)
    let outputGradient = randomTensor(network.layerOutputShapes[0], seed: 62)

    let full = backwardPass(
      network, input: input, outputGradient: outputGradient, parameterGradients: true)
    let inputOnly = backwardPass(
      network, input: input, outputGradient: outputGradient, parameterGradients: false)

    #expect(inputOnly.input == full.input)
    #expect(full.parameters.contains { $0 != 0.5 })
    #expect(inputOnly.parameters.allSatisfy { $0 == 0.5 })
  }

  @Test func networkInputOnlyBackwardLeavesGradients() throws {
    let network = try DCGAN.makeDiscriminator(tinyConfiguration(), maxBatch: 3)
    randomizeParameters(network, seed: 63, standardDeviation: 0.2)
    let input = randomTensor(network.inputShape, seed: 64)
    let outputGradient = randomTensor(TensorShape(3, 1, 1, 1), seed: 65)

    let full = backwardPass(
      network, input: input, outputGradient: outputGradient, parameterGradients: true)
    let inputOnly = backwardPass(
      network, input: input, outputGradient: outputGradient, parameterGradients: false)

    #expect(inputOnly.input == full.input)
    #expect(inputOnly.parameters.allSatisfy { $0 == 0.5 })
  }

  @Test func generatorStepLeavesDiscriminatorGradients() {
    var configuration = tinyConfiguration(channels: 1)
    configuration.discriminatorFilters = 4
    let generator = try! DCGAN.makeGenerator(configuration, maxBatch: 6)
    let discriminator = try! DCGAN.makeDiscriminator(configuration, maxBatch: 6)
    let random = CounterRandom(seed: 66)
    generator.initializeDCGAN(random: random, networkIndex: 0)
    discriminator.initializeDCGAN(random: random, networkIndex: 1)
    let step = GANStep(
      generator: generator, discriminator: discriminator, loss: .softmax, realCount: 6,
      generatedCount: 6, threads: 2, random: random,
      generatorOptimizer: Adam(parameterCount: generator.parameterCount),
      discriminatorOptimizer: Adam(parameterCount: discriminator.parameterCount))

    _ = step.discriminatorStep(
      realBatch: randomTensor(TensorShape(6, 1, 32, 32), seed: 67), noiseIndex: 0)
    let workerGradients = step.discriminatorWorkerGradients.map(\.values)
    let reduced = discriminator.gradients.values
    _ = step.generatorStep(noiseIndex: nil)

    #expect(step.computesDiscriminatorGradientsInGeneratorStep == false)
    #expect(step.discriminatorWorkerGradients.map(\.values) == workerGradients)
    #expect(discriminator.gradients.values == reduced)
  }
}
