/// Per-layer timing of the DCGAN networks against the machine's single-thread sgemm rate.
///
/// A layer's achieved rate is its GEMM floating-point operations (2·m·n·k per product)
/// divided by its whole time, im2col, col2im and copies included, so it shows how close the
/// layer comes to a bare GEMM. Non-GEMM time is each layer's time outside ``Workspace/gemm``:
/// im2col, col2im, sample gathering, bias, batch norm and activations.
///
/// Every time is CPU time of the benchmark thread (``threadCPUSeconds()``), so that other
/// processes on a shared machine slow the run down without distorting the rates.
public enum LayerBenchmark {
  /// One layer's averages over the repetitions.
  public struct Row: Sendable {
    /// The network, "G" or "D".
    public var network: String

    /// The layer's state_dict prefix, such as `main.3`.
    public var key: String

    /// The layer's description.
    public var layer: String

    /// Mean seconds of the forward pass and of the backward pass.
    public var forwardSeconds: Double
    public var backwardSeconds: Double

    /// Mean seconds inside GEMM, forward and backward.
    public var forwardGEMMSeconds: Double
    public var backwardGEMMSeconds: Double

    /// GEMM floating-point operations of one forward pass and of one backward pass.
    public var forwardOperations: Double
    public var backwardOperations: Double

    /// Forward plus backward seconds.
    public var seconds: Double { forwardSeconds + backwardSeconds }

    /// Forward plus backward seconds outside GEMM.
    public var nonGEMMSeconds: Double { seconds - forwardGEMMSeconds - backwardGEMMSeconds }

    /// Achieved GFLOP/s over forward and backward, or nil for a layer without GEMM.
    public var gigaflopsPerSecond: Double? {
      let operations = forwardOperations + backwardOperations
      return operations > 0 ? operations / seconds / 1e9 : nil
    }
  }

  /// The settings and results of one benchmark run.
  public struct Result: Sendable {
    /// The networks' architecture.
    public var configuration: DCGANConfiguration

    /// Samples per pass.
    public var batch: Int

    /// Timed passes per network, after one warm-up pass.
    public var repetitions: Int

    /// Side of the square sgemm used as the reference.
    public var referenceSize: Int

    /// Single-thread sgemm rates on `referenceSize`³ products before and after the layer
    /// timings, GFLOP/s. On a shared machine they differ; percentages use their mean.
    public var referenceRates: (before: Double, after: Double)

    /// The mean of the two reference rates, GFLOP/s.
    public var referenceGigaflopsPerSecond: Double {
      (referenceRates.before + referenceRates.after) / 2
    }

    /// Every layer of G, then every layer of D.
    public var rows: [Row]
  }

  /// Measures the single-thread sgemm rate on `size`x`size` matrices, repeating the product
  /// for at least `minimumSeconds` of thread CPU time after one warm-up call. Returns GFLOP/s.
  public static func measureSGEMMRate(size: Int, minimumSeconds: Double = 1) -> Double {
    BLAS.useSingleThread()
    let a = Tensor(shape: TensorShape(size, size, 1, 1))
    let b = Tensor(shape: TensorShape(size, size, 1, 1))
    let c = Tensor(shape: TensorShape(size, size, 1, 1))
    CounterRandom(seed: 1).fillNormal(a, purpose: .initialization, step: 0, sample: 0)
    CounterRandom(seed: 1).fillNormal(b, purpose: .initialization, step: 0, sample: 1)

    func multiply() {
      BLAS.sgemm(
        transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1,
        a: a.pointer, lda: size, b: b.pointer, ldb: size, beta: 0, c: c.pointer, ldc: size)
    }
    multiply()

    var count = 0
    let start = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < minimumSeconds {
      multiply()
      count += 1
      elapsed = threadCPUSeconds() - start
    }
    return 2 * Double(size * size) * Double(size) * Double(count) / elapsed / 1e9
  }

  /// Times forward and backward passes of both networks of `configuration` in training mode.
  ///
  /// The discriminator's backward pass also computes its input gradient, as in a generator
  /// step; the generator's does not. `progress` receives a line before each stage.
  public static func run(
    configuration: DCGANConfiguration, batch: Int, repetitions: Int, referenceSize: Int,
    progress: (String) -> Void = { _ in }
  ) throws(DCGANConfigurationError) -> Result {
    progress("measuring single-thread sgemm on \(referenceSize)x\(referenceSize) matrices")
    let referenceBefore = measureSGEMMRate(size: referenceSize)

    let generator = try DCGAN.makeGenerator(configuration, maxBatch: batch)
    let discriminator = try DCGAN.makeDiscriminator(configuration, maxBatch: batch)
    generator.initializeDCGAN(random: CounterRandom(seed: 1), networkIndex: 0)
    discriminator.initializeDCGAN(random: CounterRandom(seed: 1), networkIndex: 1)

    let latents = Tensor(shape: generator.inputShape)
    CounterRandom(seed: 1).fillLatents(latents, step: 0)

    progress("timing the generator at batch \(batch), \(repetitions) repetitions")
    let images = Tensor(shape: discriminator.inputShape)
    var rows = profile(
      generator, name: "G", input: latents, repetitions: repetitions, inputGradient: false)
    images.copy(from: generator.output)

    progress("timing the discriminator at batch \(batch), \(repetitions) repetitions")
    rows += profile(
      discriminator, name: "D", input: images, repetitions: repetitions, inputGradient: true)

    progress("measuring single-thread sgemm again")
    let referenceAfter = measureSGEMMRate(size: referenceSize)
    return Result(
      configuration: configuration, batch: batch, repetitions: repetitions,
      referenceSize: referenceSize, referenceRates: (referenceBefore, referenceAfter), rows: rows)
  }

  /// Runs one warm-up pass and `repetitions` profiled passes of `network` and returns the
  /// per-layer means.
  static func profile(
    _ network: Network, name: String, input: Tensor, repetitions: Int, inputGradient: Bool
  ) -> [Row] {
    let outputGradient = Tensor(shape: network.layerOutputShapes.last!.withBatch(input.shape.batch))
    CounterRandom(seed: 2).fillNormal(outputGradient, purpose: .initialization, step: 0, sample: 0)

    func pass() {
      network.zeroGradients()
      network.forward(input)
      network.backward(outputGradient: outputGradient, computeInputGradient: inputGradient)
    }
    pass()

    network.resetProfile()
    network.isProfiling = true
    for _ in 0..<repetitions { pass() }
    network.isProfiling = false

    let scale = 1 / Double(repetitions)
    let profile = network.profile
    return network.layers.indices.map { index in
      Row(
        network: name, key: "main.\(index)", layer: network.layers[index].description,
        forwardSeconds: profile.forwardSeconds[index] * scale,
        backwardSeconds: profile.backwardSeconds[index] * scale,
        forwardGEMMSeconds: profile.forwardGEMMSeconds[index] * scale,
        backwardGEMMSeconds: profile.backwardGEMMSeconds[index] * scale,
        forwardOperations: profile.forwardGEMMOperations[index] * scale,
        backwardOperations: profile.backwardGEMMOperations[index] * scale)
    }
  }
}
