import Foundation
import Testing

@testable import SGANCore

@Suite struct FitTests {
  /// Smooth stripes with a per-sample phase, as stand-ins for real images.
  func stripes(_ shape: TensorShape) -> Tensor {
    let images = Tensor(shape: shape)
    for n in 0..<shape.batch {
      for c in 0..<shape.channels {
        for h in 0..<shape.height {
          for w in 0..<shape.width {
            images[n, c, h, w] = Float(sin(Double(h + 2 * w) * 0.4 + Double(n)))
          }
        }
      }
    }
    return images
  }

  @Test func discriminatorFitLowersSoftmaxLoss() throws {
    var configuration = tinyConfiguration(channels: 1)
    configuration.discriminatorFilters = 4
    let real = try DCGAN.makeDiscriminator(configuration, maxBatch: 4)
    real.initializeDCGAN(random: CounterRandom(seed: 60), networkIndex: 1)

    // As in DCGAN the halves run in separate forward calls, so batch norm statistics are per
    // half. The generated half runs on a replica that keeps its own activations and gradients.
    let generated = real.makeReplica(maxBatch: 4)
    let realImages = stripes(TensorShape(4, 1, 32, 32))
    let generatedImages = randomTensor(realImages.shape, seed: 61, standardDeviation: 0.5)
    let adam = Adam(parameterCount: real.parameterCount, learningRate: 2e-3, beta1: 0.5)
    let (realGradient, generatedGradient) = (
      Tensor(shape: TensorShape(4, 1, 1, 1)), Tensor(shape: TensorShape(4, 1, 1, 1))
    )

    var losses: [Double] = []
    for _ in 0..<30 {
      let loss = SoftmaxGANLoss.discriminatorLoss(
        realEnergies: real.forward(realImages),
        generatedEnergies: generated.forward(generatedImages),
        realGradient: realGradient, generatedGradient: generatedGradient)
      losses.append(loss)

      real.zeroGradients()
      generated.zeroGradients()
      real.backward(outputGradient: realGradient)
      generated.backward(outputGradient: generatedGradient)
      for i in 0..<real.parameterCount { real.gradients[i] += generated.gradients[i] }
      adam.step(parameters: real.parameters, gradients: real.gradients)
    }

    // L_D ≥ ln N = ln 4 ≈ 1.386, reached when all probability sits evenly on the real half;
    // it starts near ln 8 ≈ 2.079 when the energies are about equal.
    #expect(losses[0] > 1.9)
    #expect(losses.last! < 1.5)
    #expect(losses.last! > log(4) - 1e-6)
  }

  @Test func generatorFitLowersReconstructionLoss() throws {
    let generator = try DCGAN.makeGenerator(tinyConfiguration(channels: 1), maxBatch: 4)
    generator.initializeDCGAN(random: CounterRandom(seed: 62), networkIndex: 0)
    let latents = randomTensor(TensorShape(4, 4, 1, 1), seed: 63)
    let targets = stripes(TensorShape(4, 1, 32, 32))
    for i in 0..<targets.count { targets[i] *= 0.8 }
    let adam = Adam(parameterCount: generator.parameterCount, learningRate: 1e-2, beta1: 0.5)
    let outputGradient = Tensor(shape: targets.shape)

    // Mean squared error (1/n) Σ (y - t)², whose gradient is (2/n)(y - t).
    var losses: [Double] = []
    for _ in 0..<40 {
      let images = generator.forward(latents)
      var loss = 0.0
      for i in 0..<images.count {
        let difference = images[i] - targets[i]
        loss += Double(difference * difference)
        outputGradient[i] = 2 * difference / Float(images.count)
      }
      losses.append(loss / Double(images.count))

      generator.zeroGradients()
      generator.backward(outputGradient: outputGradient)
      adam.step(parameters: generator.parameters, gradients: generator.gradients)
    }

    #expect(losses.last! < 0.5 * losses[0], "losses \(losses)")
  }
}
