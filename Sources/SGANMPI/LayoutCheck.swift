import SGANCore

/// Checks that a process layout computes the same gradients as one process.
///
/// Every rank of the group runs one discriminator step and one generator step of a small
/// DCGAN on a fixed synthetic batch, with `threads` workers, through the group; rank 0 then
/// runs the same two steps alone with P·T workers and compares each gradient tensor. The
/// batch is cut the same way in both layouts, so the two differ only in the order of the
/// additions: the relative differences are float rounding, about 1e-7.
public struct LayoutCheck {
  /// The network and the batch the check trains.
  public struct Settings: Sendable {
    public var imageSize = 32
    public var channels = 1
    public var filters = 8
    public var latentSize = 16
    public var realCount = 16
    public var generatedCount = 16
    public var loss = GANLoss.softmax
    public var seed: UInt64 = 1

    /// The defaults: a 32x32 one-channel DCGAN with 8 filters, batch 16 + 16, Softmax GAN.
    public init() {}
  }

  /// One gradient tensor of the layout under check, and its difference from one process.
  public struct TensorResult: Sendable {
    /// `discriminator.` or `generator.` followed by the state_dict key.
    public var name: String
    /// The tensor's PyTorch shape.
    public var dimensions: [Int]
    /// The layout's gradient.
    public var values: [Float]
    /// ‖g - g_1‖ / ‖g_1‖ against the one-process gradient; nil on ranks other than 0.
    public var relativeDifference: Double?
  }

  public let settings: Settings

  /// Creates a check with `settings`.
  public init(settings: Settings = Settings()) {
    self.settings = settings
  }

  /// Runs both steps with `threads` workers per process of `group`; rank 0 also runs the
  /// one-process reference with `group.size · threads` workers. Collective.
  public func run(group: ProcessGroup, threads: Int) throws -> [TensorResult] {
    let layout = try gradients(group: group, threads: threads)
    guard group.rank == 0 else {
      return layout.map {
        TensorResult(
          name: $0.name, dimensions: $0.dimensions, values: $0.values, relativeDifference: nil)
      }
    }
    let reference = try gradients(group: SingleProcessGroup(), threads: group.size * threads)
    return zip(layout, reference).map { measured, expected in
      TensorResult(
        name: measured.name, dimensions: measured.dimensions, values: measured.values,
        relativeDifference: relativeDifference(measured.values, expected.values))
    }
  }

  /// The gradients of one discriminator step and of the generator step that follows it.
  private func gradients(group: ProcessGroup, threads: Int) throws -> [(
    name: String, dimensions: [Int], values: [Float]
  )] {
    var architecture = DCGANConfiguration()
    architecture.imageSize = settings.imageSize
    architecture.channels = settings.channels
    architecture.latentSize = settings.latentSize
    architecture.generatorFilters = settings.filters
    architecture.discriminatorFilters = settings.filters
    let generator = try DCGAN.makeGenerator(architecture, maxBatch: settings.generatedCount)
    let discriminator = try DCGAN.makeDiscriminator(
      architecture, maxBatch: max(settings.realCount, settings.generatedCount))
    let random = CounterRandom(seed: settings.seed)
    generator.initializeDCGAN(random: random, networkIndex: 0)
    discriminator.initializeDCGAN(random: random, networkIndex: 1)

    let step = GANStep(
      generator: generator, discriminator: discriminator, loss: settings.loss,
      realCount: settings.realCount, generatedCount: settings.generatedCount, threads: threads,
      random: random, generatorOptimizer: Adam(parameterCount: generator.parameterCount),
      discriminatorOptimizer: Adam(parameterCount: discriminator.parameterCount), group: group)

    // The whole batch from a fixed stream, of which this process takes its slice.
    let whole = Tensor(
      shape: TensorShape(
        settings.realCount, settings.channels, settings.imageSize, settings.imageSize))
    random.fillNormal(whole, purpose: .dataOrder, step: 0, sample: 0)
    let slice = Tensor(
      shape: TensorShape(
        step.realRange.count, settings.channels, settings.imageSize, settings.imageSize))
    let sampleSize = whole.count / settings.realCount
    slice.pointer.update(
      from: whole.pointer + step.realRange.lowerBound * sampleSize, count: slice.count)

    _ = step.discriminatorStep(realBatch: slice, noiseIndex: 0)
    let discriminatorGradients = tensors(of: discriminator, prefix: "discriminator.")
    _ = step.generatorStep(noiseIndex: nil)
    return discriminatorGradients + tensors(of: generator, prefix: "generator.")
  }

  private func tensors(of network: Network, prefix: String) -> [(
    name: String, dimensions: [Int], values: [Float]
  )] {
    network.parameterEntries.map { entry in
      let start = network.gradients.pointer + entry.offset
      return (
        prefix + entry.name, entry.dimensions,
        Array(UnsafeBufferPointer(start: start, count: entry.count))
      )
    }
  }
}

/// ‖a - b‖ / ‖b‖ in Float64; 0 when both are zero, infinity when only `b` is.
public func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
  precondition(a.count == b.count, "cannot compare \(a.count) values with \(b.count)")
  var difference = 0.0
  var reference = 0.0
  for i in a.indices {
    let d = Double(a[i]) - Double(b[i])
    difference += d * d
    reference += Double(b[i]) * Double(b[i])
  }
  if reference == 0 {
    return difference == 0 ? 0 : .infinity
  }
  return (difference / reference).squareRoot()
}
