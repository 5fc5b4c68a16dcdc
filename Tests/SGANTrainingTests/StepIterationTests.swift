import Testing

@testable import SGANCore
@testable import SGANTraining

/// Makes a step over a tiny 32x32 grey DCGAN pair with batches of `batch` + `batch`.
private func makeStep(threads: Int, batch: Int = 4, seed: UInt64 = 5) -> GANStep {
  var architecture = DCGANConfiguration()
  architecture.imageSize = 32
  architecture.channels = 1
  architecture.latentSize = 4
  architecture.generatorFilters = 4
  architecture.discriminatorFilters = 4
  let generator = try! DCGAN.makeGenerator(architecture, maxBatch: batch)
  let discriminator = try! DCGAN.makeDiscriminator(architecture, maxBatch: batch)
  let random = CounterRandom(seed: seed)
  generator.initializeDCGAN(random: random, networkIndex: 0)
  discriminator.initializeDCGAN(random: random, networkIndex: 1)
  return GANStep(
    generator: generator, discriminator: discriminator, loss: .softmax, realCount: batch,
    generatedCount: batch, threads: threads, random: random,
    generatorOptimizer: Adam(parameterCount: generator.parameterCount),
    discriminatorOptimizer: Adam(parameterCount: discriminator.parameterCount))
}

/// Fills `batch` with the real batch of iteration `iteration` and update `update`, distinct
/// for each.
private func fillRealBatch(_ batch: Tensor, iteration: Int, update: Int) {
  CounterRandom(seed: 9).fillNormal(batch, purpose: .dataOrder, step: iteration, sample: update)
}

private struct StopError: Error {}

@Suite struct StepIterationTests {
  @Test(arguments: [(1, 1), (2, 1), (2, 3)])
  func iterationMatchesManualSteps(discriminatorSteps: Int, generatorSteps: Int) throws {
    let shared = makeStep(threads: 2)
    let manual = makeStep(threads: 2)
    let batch = Tensor(shape: TensorShape(4, 1, 32, 32))

    for iteration in 0..<2 {
      var loads = 0
      _ = try shared.runIteration(
        iteration, discriminatorSteps: discriminatorSteps, generatorSteps: generatorSteps,
        realBatch: batch,
        loadRealBatch: {
          fillRealBatch(batch, iteration: iteration, update: loads)
          loads += 1
        },
        check: { _, _ in })
      #expect(loads == discriminatorSteps)

      // The same updates by hand: noise indices i·(d + g - 1) onwards, the first generator
      // update reusing the last generated batch.
      let noiseBase = iteration * (discriminatorSteps + generatorSteps - 1)
      for update in 0..<discriminatorSteps {
        fillRealBatch(batch, iteration: iteration, update: update)
        _ = manual.discriminatorStep(realBatch: batch, noiseIndex: noiseBase + update)
        manual.updateDiscriminator()
      }
      for update in 0..<generatorSteps {
        _ = manual.generatorStep(
          noiseIndex: update == 0 ? nil : noiseBase + discriminatorSteps + update - 1)
        manual.updateGenerator()
      }
    }

    #expect(shared.generator.parameters.values == manual.generator.parameters.values)
    #expect(shared.discriminator.parameters.values == manual.discriminator.parameters.values)
  }

  @Test func iterationStopsAtFailedCheck() {
    let step = makeStep(threads: 1)
    let batch = Tensor(shape: TensorShape(4, 1, 32, 32))
    let before = step.discriminator.parameters.values
    var checked: [String] = []

    #expect(throws: StopError.self) {
      _ = try step.runIteration(
        0, discriminatorSteps: 1, generatorSteps: 1, realBatch: batch,
        loadRealBatch: { fillRealBatch(batch, iteration: 0, update: 0) },
        check: { _, what in
          checked.append(what)
          throw StopError()
        })
    }
    #expect(checked == ["the discriminator loss"])
    #expect(step.discriminator.parameters.values == before)
  }

  /// The analytic count equals the GEMM operations the engine performs, as its workspaces
  /// count them (2·m·n·k per product).
  @Test(arguments: [1, 2])
  func operationCountMatchesExecutedProducts(threads: Int) throws {
    let step = makeStep(threads: threads)
    let replicas = [
      step.generatorShards, step.realDiscriminatorShards, step.generatedDiscriminatorShards,
    ].flatMap(\.replicas)
    for replica in replicas { replica.isProfiling = true }

    let batch = Tensor(shape: TensorShape(4, 1, 32, 32))
    _ = try step.runIteration(
      0, discriminatorSteps: 1, generatorSteps: 1, realBatch: batch,
      loadRealBatch: { fillRealBatch(batch, iteration: 0, update: 0) }, check: { _, _ in })

    let executed = replicas.reduce(0.0) { $0 + $1.workspace.gemmOperations }
    let counted = StepOperationCount(
      generator: step.generator, discriminator: step.discriminator, loss: .softmax,
      realCount: 4, generatedCount: 4,
      discriminatorGradientsInGeneratorStep: step.computesDiscriminatorGradientsInGeneratorStep)
    #expect(executed > 0)
    #expect(counted.iteration == executed)
  }
}
