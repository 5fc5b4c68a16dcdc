import SGANCore

/// The floating-point operations of one training iteration, counted analytically from the
/// layers' shapes: 2 operations per multiply-add of every convolution, transposed convolution
/// and linear layer, in each pass the iteration runs.
///
/// Per sample, a layer with a forward cost F (2·O·OH·OW·C·K·K for a convolution, the same with
/// input and output swapped for a transposed convolution, 2·I·O for a linear layer) costs F
/// forward, F for its weight gradient, and F for its input gradient. The first layer's input
/// gradient runs only where the step needs it: the discriminator's, in the generator step.
/// Weight gradients run only where the step computes them (see
/// ``GANStep/computesDiscriminatorGradientsInGeneratorStep``). Batch norm, activations, im2col,
/// bias, the loss and Adam are left out: together they are under 1% of the total for DCGAN.
public struct StepOperationCount: Sendable, Equatable, Codable {
  /// Forward operations per sample of the generator and of the discriminator.
  public var generatorForward: Double
  public var discriminatorForward: Double

  /// Operations per sample of the first layer's forward pass, which is also the cost of its
  /// input gradient.
  public var generatorFirstLayer: Double
  public var discriminatorFirstLayer: Double

  /// Operations of one whole iteration.
  public var iteration: Double

  /// Counts the operations of `generator` and `discriminator` per sample, and those of one
  /// iteration of `discriminatorSteps` and `generatorSteps` updates on N = `realCount` real
  /// and M = `generatedCount` generated samples.
  ///
  /// One discriminator update runs G forward on M, D forward and D backward (weights, and
  /// inputs past the first layer) on N + M. The first generator update reuses the generated
  /// batch; later ones run G forward on M again. Each generator update runs D forward on M,
  /// and on N too for Softmax GAN, D backward on M down to the images (with weight gradients
  /// only when `discriminatorGradientsInGeneratorStep`), and G backward (weights, and inputs
  /// past the first layer) on M.
  public init(
    generator: Network, discriminator: Network, loss: GANLoss, realCount: Int,
    generatedCount: Int, discriminatorSteps: Int = 1, generatorSteps: Int = 1,
    discriminatorGradientsInGeneratorStep: Bool
  ) {
    let g = StepOperationCount.layerCosts(of: generator)
    let d = StepOperationCount.layerCosts(of: discriminator)
    generatorForward = g.reduce(0, +)
    discriminatorForward = d.reduce(0, +)
    generatorFirstLayer = g.first ?? 0
    discriminatorFirstLayer = d.first ?? 0

    let (N, M) = (Double(realCount), Double(generatedCount))
    let (gF, dF) = (generatorForward, discriminatorForward)
    // Backward with weight gradients and input gradients past the first layer.
    let gBackward = 2 * gF - generatorFirstLayer
    let dBackward = 2 * dF - discriminatorFirstLayer

    let discriminatorUpdate = M * gF + (N + M) * dF + (N + M) * dBackward
    let discriminatorOnGenerated =
      (discriminatorGradientsInGeneratorStep ? 2 * dF : dF)
    let generatorUpdate =
      (loss == .softmax ? N + M : M) * dF + M * discriminatorOnGenerated + M * gBackward
    iteration =
      Double(discriminatorSteps) * discriminatorUpdate + Double(generatorSteps) * generatorUpdate
      + Double(generatorSteps - 1) * M * gF
  }

  /// Returns each layer's forward operations per sample, 0 for layers without a product.
  public static func layerCosts(of network: Network) -> [Double] {
    network.layers.indices.map { index in
      let input = index == 0 ? network.inputShape : network.layerOutputShapes[index - 1]
      let output = network.layerOutputShapes[index]
      return forwardOperations(of: network.layers[index], input: input, output: output)
    }
  }

  /// Returns one sample's forward operations of `layer` from its input and output shapes.
  static func forwardOperations(of layer: any Layer, input: TensorShape, output: TensorShape)
    -> Double
  {
    if let convolution = layer as? Conv2d {
      let kernel = convolution.kernelSize * convolution.kernelSize
      return 2 * Double(output.sampleCount) * Double(input.channels * kernel)
    }
    if let transposed = layer as? ConvTranspose2d {
      let kernel = transposed.kernelSize * transposed.kernelSize
      return 2 * Double(input.sampleCount) * Double(output.channels * kernel)
    }
    if let linear = layer as? Linear {
      return 2 * Double(linear.inputFeatures) * Double(linear.outputFeatures)
    }
    return 0
  }
}
