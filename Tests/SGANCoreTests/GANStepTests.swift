import Testing

@testable import SGANCore

/// A tiny 32x32 DCGAN pair and a step over it, built the same way for every thread count.
private struct StepFixture {
  let step: GANStep
  let realBatch: Tensor

  init(
    threads: Int, realCount: Int = 6, generatedCount: Int = 6, loss: GANLoss = .softmax,
    batchNorm: Bool = true, seed: UInt64 = 7
  ) {
    var configuration = DCGANConfiguration()
    configuration.imageSize = 32
    configuration.channels = 1
    configuration.latentSize = 4
    configuration.generatorFilters = 4
    configuration.discriminatorFilters = 4
    configuration.generatorBatchNorm = batchNorm
    configuration.discriminatorBatchNorm = batchNorm

    let generator = try! DCGAN.makeGenerator(configuration, maxBatch: generatedCount)
    let discriminator = try! DCGAN.makeDiscriminator(configuration, maxBatch: realCount)
    let random = CounterRandom(seed: seed)
    generator.initializeDCGAN(random: random, networkIndex: 0)
    discriminator.initializeDCGAN(random: random, networkIndex: 1)

    step = GANStep(
      generator: generator, discriminator: discriminator, loss: loss, realCount: realCount,
      generatedCount: generatedCount, threads: threads, random: random,
      generatorOptimizer: Adam(parameterCount: generator.parameterCount),
      discriminatorOptimizer: Adam(parameterCount: discriminator.parameterCount))
    realBatch = randomTensor(TensorShape(realCount, 1, 32, 32), seed: seed + 100)
  }
}

/// Gradients of one D step and the following G step, per parameter tensor.
private struct StepGradients {
  var discriminator: [String: [Float]] = [:]
  var generator: [String: [Float]] = [:]
  var discriminatorLoss = 0.0
  var generatorLoss = 0.0
  var logPartition = 0.0
}

private func gradients(of fixture: StepFixture) -> StepGradients {
  var result = StepGradients()
  let step = fixture.step
  let dResult = step.discriminatorStep(realBatch: fixture.realBatch, noiseIndex: 0)
  result.discriminatorLoss = dResult.loss
  result.logPartition = dResult.logPartition
  for entry in step.discriminator.parameterEntries {
    result.discriminator[entry.name] = Array(step.discriminator.gradients.values[entry.range])
  }
  result.generatorLoss = step.generatorStep(noiseIndex: nil)
  for entry in step.generator.parameterEntries {
    result.generator[entry.name] = Array(step.generator.gradients.values[entry.range])
  }
  return result
}

/// Returns ‖a - b‖ / ‖b‖, or ‖a - b‖ when b is zero.
private func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
  var difference = 0.0
  var norm = 0.0
  for (x, y) in zip(a, b) {
    difference += Double(x - y) * Double(x - y)
    norm += Double(y) * Double(y)
  }
  return norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
}

struct ThreadCase: CustomTestStringConvertible, Sendable {
  let threads: Int
  let realCount: Int
  let loss: GANLoss
  var testDescription: String { "\(threads) threads, batch \(realCount), \(loss.rawValue)" }
}

@Suite struct GANStepTests {
  static let threadCases: [ThreadCase] = [
    ThreadCase(threads: 2, realCount: 6, loss: .softmax),
    ThreadCase(threads: 3, realCount: 6, loss: .softmax),
    ThreadCase(threads: 5, realCount: 6, loss: .softmax),
    ThreadCase(threads: 3, realCount: 7, loss: .softmax),
    ThreadCase(threads: 3, realCount: 7, loss: .standard),
  ]

  @Test(arguments: threadCases)
  func stepGradientsIndependentOfThreadCount(_ threadCase: ThreadCase) {
    let reference = gradients(
      of: StepFixture(
        threads: 1, realCount: threadCase.realCount, generatedCount: threadCase.realCount,
        loss: threadCase.loss))
    let sharded = gradients(
      of: StepFixture(
        threads: threadCase.threads, realCount: threadCase.realCount,
        generatedCount: threadCase.realCount, loss: threadCase.loss))

    #expect(abs(sharded.discriminatorLoss - reference.discriminatorLoss) < 1e-5)
    #expect(abs(sharded.generatorLoss - reference.generatorLoss) < 1e-5)
    for (name, expected) in reference.discriminator {
      let difference = relativeDifference(sharded.discriminator[name]!, expected)
      #expect(difference <= 1e-5, "discriminator \(name): relative difference \(difference)")
    }
    for (name, expected) in reference.generator {
      let difference = relativeDifference(sharded.generator[name]!, expected)
      #expect(difference <= 1e-5, "generator \(name): relative difference \(difference)")
    }
  }

  @Test func sameThreadCountIsBitwiseIdentical() {
    func train(_ fixture: StepFixture) -> [Float] {
      for iteration in 0..<3 {
        _ = fixture.step.discriminatorStep(realBatch: fixture.realBatch, noiseIndex: iteration)
        fixture.step.updateDiscriminator()
        _ = fixture.step.generatorStep(noiseIndex: nil)
        fixture.step.updateGenerator()
      }
      return fixture.step.generator.parameters.values + fixture.step.discriminator.parameters.values
    }
    let first = train(StepFixture(threads: 3))
    let second = train(StepFixture(threads: 3))
    #expect(first == second)
  }

  @Test func shardedLogPartitionMatchesWholeBatch() {
    let fixture = StepFixture(threads: 4, realCount: 7, generatedCount: 5)
    let result = fixture.step.discriminatorStep(realBatch: fixture.realBatch, noiseIndex: 0)

    var energies: [Float] = []
    for worker in fixture.step.workers {
      energies += fixture.step.realEnergies(worker).values
    }
    for worker in fixture.step.workers {
      energies += fixture.step.generatedEnergies(worker).values
    }
    let whole = LogSumExpPartial(energies: Tensor(shape: TensorShape(flat: 12), values: energies))
    #expect(energies.count == 12)
    #expect(abs(result.logPartition - whole.logSum) < 1e-9)
  }

  @Test func shardedEnergyGradientsMatchWholeBatch() {
    let fixture = StepFixture(threads: 3, realCount: 7, generatedCount: 5)
    let result = fixture.step.discriminatorStep(realBatch: fixture.realBatch, noiseIndex: 0)

    var realEnergies: [Float] = []
    var generatedEnergies: [Float] = []
    var shardedGradient: [Float] = []
    for worker in fixture.step.workers {
      realEnergies += fixture.step.realEnergies(worker).values
      shardedGradient += worker.realEnergyGradient.values
    }
    for worker in fixture.step.workers {
      generatedEnergies += fixture.step.generatedEnergies(worker).values
      shardedGradient += worker.generatedEnergyGradient.values
    }

    let realGradient = Tensor(shape: TensorShape(flat: 7))
    let generatedGradient = Tensor(shape: TensorShape(flat: 5))
    let loss = SoftmaxGANLoss.discriminatorLoss(
      realEnergies: Tensor(shape: TensorShape(flat: 7), values: realEnergies),
      generatedEnergies: Tensor(shape: TensorShape(flat: 5), values: generatedEnergies),
      realGradient: realGradient, generatedGradient: generatedGradient)
    #expect(abs(result.loss - loss) < 1e-9)
    #expect(firstMismatch(shardedGradient, realGradient.values + generatedGradient.values, tolerance: 1e-7) == nil)
  }

  @Test func latentVectorsUniqueAndThreadIndependent() {
    func latents(threads: Int) -> [[Float]] {
      let fixture = StepFixture(threads: threads, realCount: 6, generatedCount: 6)
      fixture.step.generate(noiseIndex: 3)
      var vectors: [[Float]] = []
      for worker in fixture.step.workers {
        let size = worker.latents.shape.sampleCount
        for n in 0..<worker.latents.shape.batch {
          vectors.append(Array(worker.latents.values[(n * size)..<((n + 1) * size)]))
        }
      }
      return vectors
    }
    let single = latents(threads: 1)
    let sharded = latents(threads: 4)
    #expect(single == sharded)
    #expect(Set(single.map { $0.map(\.bitPattern) }).count == single.count)
  }

  @Test func moreThreadsThanSamplesUsesBatchSize() {
    let fixture = StepFixture(threads: 16, realCount: 3, generatedCount: 5)
    #expect(fixture.step.workerCount == 5)
    let result = fixture.step.discriminatorStep(realBatch: fixture.realBatch, noiseIndex: 0)
    #expect(result.loss.isFinite)
  }
}
