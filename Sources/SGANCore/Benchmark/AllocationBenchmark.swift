/// Counts heap allocations in steady-state Softmax GAN iterations on one thread.
///
/// An iteration does what a single-worker trainer does. It draws latents, generates, runs D
/// on the real and the generated half, backpropagates L_D through both halves and updates D
/// with Adam. Then it runs D on the generated half again, backpropagates L_G through D into G
/// and updates G. Counting needs glibc's malloc trace (see ``AllocationTrace``).
public enum AllocationBenchmark {
  /// The outcome of one run.
  public struct Result: Sendable {
    /// Iterations run before tracing, which size every lazily created buffer.
    public var warmUpIterations: Int

    /// Iterations traced.
    public var tracedIterations: Int

    /// Allocations counted while tracing, or nil when tracing was unavailable.
    public var allocations: Int?

    /// Allocations counted for one Swift array created inside the trace, a control that
    /// shows the trace records the Swift runtime's allocations; nil when tracing was unavailable.
    public var controlAllocations: Int?
  }

  /// Runs `warmUp` untraced and then `iterations` traced iterations at `batch` real and
  /// `batch` generated samples.
  public static func run(
    configuration: DCGANConfiguration, batch: Int, warmUp: Int = 2, iterations: Int = 3
  ) throws(DCGANConfigurationError) -> Result {
    let iteration = try SoftmaxGANIteration(configuration: configuration, batch: batch)
    for step in 0..<warmUp { iteration.run(step: step) }

    let count = AllocationTrace.count {
      for step in warmUp..<(warmUp + iterations) { iteration.run(step: step) }
    }
    let control = AllocationTrace.count {
      keepAlive(Array(repeating: batch, count: 1000))
    }
    return Result(
      warmUpIterations: warmUp, tracedIterations: iterations, allocations: count,
      controlAllocations: control)
  }

  /// Uses `value` opaquely, so the optimiser cannot delete the allocation that made it.
  @inline(never)
  static func keepAlive(_ value: [Int]) {
    withExtendedLifetime(value) {}
  }
}

/// One-thread Softmax GAN iterations over a fixed real batch, with every buffer made up front.
final class SoftmaxGANIteration {
  let generator: Network
  let realDiscriminator: Network
  let generatedDiscriminator: Network
  let generatorOptimizer: Adam
  let discriminatorOptimizer: Adam
  let random = CounterRandom(seed: 1)
  let latents: Tensor  // [M, nz, 1, 1]
  let realImages: Tensor  // [N, C, H, W]
  let realGradient: Tensor  // [N, 1, 1, 1]
  let generatedGradient: Tensor  // [M, 1, 1, 1]

  init(configuration: DCGANConfiguration, batch: Int) throws(DCGANConfigurationError) {
    generator = try DCGAN.makeGenerator(configuration, maxBatch: batch)
    realDiscriminator = try DCGAN.makeDiscriminator(configuration, maxBatch: batch)
    generator.initializeDCGAN(random: random, networkIndex: 0)
    realDiscriminator.initializeDCGAN(random: random, networkIndex: 1)

    // The generated half keeps its own activations; its gradients are added to the real
    // half's before the update.
    generatedDiscriminator = realDiscriminator.makeReplica(maxBatch: batch)
    generatorOptimizer = Adam(parameterCount: generator.parameterCount)
    discriminatorOptimizer = Adam(parameterCount: realDiscriminator.parameterCount)

    latents = Tensor(shape: generator.inputShape)
    realImages = Tensor(shape: realDiscriminator.inputShape)
    random.fillUniform(
      realImages.pointer, count: realImages.count, purpose: .dataOrder, step: 0, sample: 0)
    realGradient = Tensor(shape: TensorShape(batch, 1, 1, 1))
    generatedGradient = Tensor(shape: TensorShape(batch, 1, 1, 1))
  }

  /// Runs the D step and the G step of training step `step`.
  func run(step: Int) {
    random.fillLatents(latents, step: step)
    let images = generator.forward(latents)

    // D step.
    SoftmaxGANLoss.discriminatorLoss(
      realEnergies: realDiscriminator.forward(realImages),
      generatedEnergies: generatedDiscriminator.forward(images),
      realGradient: realGradient, generatedGradient: generatedGradient)
    realDiscriminator.zeroGradients()
    generatedDiscriminator.zeroGradients()
    realDiscriminator.backward(outputGradient: realGradient)
    generatedDiscriminator.backward(outputGradient: generatedGradient)
    let (total, other) = (
      realDiscriminator.gradients.pointer, generatedDiscriminator.gradients.pointer
    )
    for i in 0..<realDiscriminator.parameterCount { total[i] += other[i] }
    discriminatorOptimizer.step(
      parameters: realDiscriminator.parameters, gradients: realDiscriminator.gradients)

    // G step: the real half enters Z_B, only the generated half is backpropagated.
    SoftmaxGANLoss.generatorLoss(
      realEnergies: realDiscriminator.forward(realImages),
      generatedEnergies: generatedDiscriminator.forward(images),
      realGradient: realGradient, generatedGradient: generatedGradient)
    generatedDiscriminator.backward(outputGradient: generatedGradient, computeInputGradient: true)
    generator.zeroGradients()
    generator.backward(outputGradient: generatedDiscriminator.inputGradient)
    generatorOptimizer.step(parameters: generator.parameters, gradients: generator.gradients)
  }
}
