/// The pixel range a generator produces, which must match how the training images are scaled.
public enum OutputRange: String, Sendable, Hashable, CaseIterable {
  /// Pixels in [-1, 1], produced by a final tanh (DCGAN's choice).
  case symmetric

  /// Pixels in [0, 1), produced by a final sigmoid.
  case unit
}

/// The discriminator's hidden activation.
public enum DiscriminatorActivation: String, Sendable, Hashable, CaseIterable {
  /// LeakyReLU with slope 0.2 (DCGAN's choice).
  case leakyReLU

  /// Plain ReLU, which gives sparser gradients.
  case relu
}

/// An invalid DCGAN configuration value.
public enum DCGANConfigurationError: Error, Equatable, CustomStringConvertible {
  /// The image size is not one of the supported sizes.
  case unsupportedImageSize(Int)

  /// The channel count is neither 1 nor 3.
  case unsupportedChannelCount(Int)

  /// A size that must be positive is not.
  case nonPositive(name: String, value: Int)

  /// A message that names the value and what to do.
  public var description: String {
    switch self {
    case .unsupportedImageSize(let size):
      return "image size \(size) is not supported; use 32, 64 or 128"
    case .unsupportedChannelCount(let channels):
      return "channel count \(channels) is not supported; use 1 (grey) or 3 (RGB)"
    case .nonPositive(let name, let value):
      return "\(name) must be positive, got \(value)"
    }
  }
}

/// The architecture choices of a DCGAN pair, including the Softmax GAN paper's ablations.
public struct DCGANConfiguration: Sendable, Hashable {
  /// Side of the square images: 32, 64 or 128.
  public var imageSize = 64

  /// Image channels: 1 or 3.
  public var channels = 3

  /// Length of the latent vector, nz.
  public var latentSize = 100

  /// Base filter count of the generator, ngf.
  public var generatorFilters = 64

  /// Base filter count of the discriminator, ndf.
  public var discriminatorFilters = 64

  /// Whether the generator's hidden layers use batch norm.
  public var generatorBatchNorm = true

  /// Whether the discriminator's hidden layers (all but the first) use batch norm.
  public var discriminatorBatchNorm = true

  /// Whether every hidden generator layer has ``generatorFilters`` channels instead of
  /// halving from a wide first layer (the WGAN paper's ablation).
  public var constantGeneratorFilters = false

  /// The discriminator's hidden activation.
  public var discriminatorActivation = DiscriminatorActivation.leakyReLU

  /// The generator's output range, which picks its final activation.
  public var outputRange = OutputRange.symmetric

  /// Whether convolutions that no batch norm follows have a bias (the discriminator's final
  /// convolution never has one). False gives exactly the parameters of PyTorch's
  /// examples/dcgan, where every convolution has `bias=False`.
  public var biasWithoutBatchNorm = true

  /// Creates DCGAN's standard 64x64 RGB configuration (nz 100, 64 filters, batch norm).
  public init() {}

  /// Throws if a value is outside the supported range.
  public func validate() throws(DCGANConfigurationError) {
    guard [32, 64, 128].contains(imageSize) else {
      throw .unsupportedImageSize(imageSize)
    }
    guard channels == 1 || channels == 3 else {
      throw .unsupportedChannelCount(channels)
    }
    for (name, value) in [
      ("latent size", latentSize), ("generator filters", generatorFilters),
      ("discriminator filters", discriminatorFilters),
    ] where value <= 0 {
      throw .nonPositive(name: name, value: value)
    }
  }

  /// Number of stride-2 layers between 4x4 and the image size: 3, 4 or 5.
  var doublings: Int {
    var count = 0
    var size = 4
    while size < imageSize {
      size *= 2
      count += 1
    }
    return count
  }
}

/// Builders for the DCGAN generator and discriminator, laid out as PyTorch's examples/dcgan
/// `nn.Sequential` named `main`, so parameter keys (`main.0.weight`, ...) map one to one.
///
/// With d stride-2 layers (3, 4, 5 for images of 32, 64, 128) and base filters f:
///
///     G: ConvT(nz → f·2^(d-1), k4 s1 p0) BN ReLU,
///        ConvT(f·2^(d-1) → f·2^(d-2), k4 s2 p1) BN ReLU, ..., ConvT(f → nc, k4 s2 p1) Tanh
///     D: Conv(nc → f, k4 s2 p1) LReLU, Conv(f → 2f, k4 s2 p1) BN LReLU, ...,
///        Conv(f·2^(d-1) → 1, k4 s1 p0)
///
/// Spatial sizes run 1 → 4 → 8 → ... → S in G and S → S/2 → ... → 4 → 1 in D. A convolution
/// followed by batch norm has no bias, nor does D's last; the others have one unless
/// ``DCGANConfiguration/biasWithoutBatchNorm`` is off. The discriminator ends in one unbounded
/// energy per sample, `[N, 1, 1, 1]`, with no sigmoid.
public enum DCGAN {
  /// Returns the generator's layers: latent `[N, nz, 1, 1]` to image `[N, nc, S, S]`.
  public static func generatorLayers(_ configuration: DCGANConfiguration)
    throws(DCGANConfigurationError) -> [any Layer]
  {
    try configuration.validate()
    let (d, f, batchNorm) = (
      configuration.doublings, configuration.generatorFilters, configuration.generatorBatchNorm
    )
    let bias = !batchNorm && configuration.biasWithoutBatchNorm
    func width(_ level: Int) -> Int {
      configuration.constantGeneratorFilters ? f : f << level
    }

    var layers: [any Layer] = []
    func block(_ convolution: ConvTranspose2d) {
      layers.append(convolution)
      if batchNorm { layers.append(BatchNorm2d(channels: convolution.outputChannels)) }
      layers.append(ReLU())
    }

    block(
      ConvTranspose2d(
        inputChannels: configuration.latentSize, outputChannels: width(d - 1), kernelSize: 4,
        stride: 1, padding: 0, bias: bias))
    for level in stride(from: d - 1, to: 0, by: -1) {
      block(
        ConvTranspose2d(
          inputChannels: width(level), outputChannels: width(level - 1), kernelSize: 4,
          stride: 2, padding: 1, bias: bias))
    }
    layers.append(
      ConvTranspose2d(
        inputChannels: width(0), outputChannels: configuration.channels, kernelSize: 4,
        stride: 2, padding: 1, bias: configuration.biasWithoutBatchNorm))
    switch configuration.outputRange {
    case .symmetric: layers.append(Tanh())
    case .unit: layers.append(Sigmoid())
    }
    return layers
  }

  /// Returns the discriminator's layers: image `[N, nc, S, S]` to energy `[N, 1, 1, 1]`.
  public static func discriminatorLayers(_ configuration: DCGANConfiguration)
    throws(DCGANConfigurationError) -> [any Layer]
  {
    try configuration.validate()
    let (d, f, batchNorm) = (
      configuration.doublings, configuration.discriminatorFilters,
      configuration.discriminatorBatchNorm
    )
    let bias = configuration.biasWithoutBatchNorm
    func activation() -> any Layer {
      switch configuration.discriminatorActivation {
      case .leakyReLU: return LeakyReLU(negativeSlope: 0.2)
      case .relu: return ReLU()
      }
    }

    var layers: [any Layer] = [
      Conv2d(
        inputChannels: configuration.channels, outputChannels: f, kernelSize: 4, stride: 2,
        padding: 1, bias: bias),
      activation(),
    ]
    for level in 1..<d {
      layers.append(
        Conv2d(
          inputChannels: f << (level - 1), outputChannels: f << level, kernelSize: 4, stride: 2,
          padding: 1, bias: bias && !batchNorm))
      if batchNorm { layers.append(BatchNorm2d(channels: f << level)) }
      layers.append(activation())
    }
    // No bias on the energy. The Softmax GAN losses do not change when every energy shifts by
    // the same amount, so this bias's gradient is zero up to rounding. Adam would turn that
    // rounding into steps of about the learning rate.
    layers.append(
      Conv2d(
        inputChannels: f << (d - 1), outputChannels: 1, kernelSize: 4, stride: 1, padding: 0,
        bias: false))
    return layers
  }

  /// Builds the generator for latent batches up to `maxBatch`.
  public static func makeGenerator(_ configuration: DCGANConfiguration, maxBatch: Int)
    throws(DCGANConfigurationError) -> Network
  {
    Network(
      layers: try generatorLayers(configuration),
      inputShape: TensorShape(maxBatch, configuration.latentSize, 1, 1))
  }

  /// Builds the discriminator for image batches up to `maxBatch`.
  public static func makeDiscriminator(_ configuration: DCGANConfiguration, maxBatch: Int)
    throws(DCGANConfigurationError) -> Network
  {
    Network(
      layers: try discriminatorLayers(configuration),
      inputShape: TensorShape(
        maxBatch, configuration.channels, configuration.imageSize, configuration.imageSize))
  }
}

extension Network {
  /// Sets DCGAN's initial values: weights from N(0, 0.02), batch norm scales from N(1, 0.02),
  /// biases and shifts 0, running means 0, running variances 1, counters 0.
  ///
  /// Parameter tensor k draws the normal stream (``RandomPurpose/initialization``,
  /// step `networkIndex`, sample k), so the result depends only on the seed, the network index
  /// and the architecture. Give the generator and the discriminator different network indices
  /// so their streams differ.
  public func initializeDCGAN(random: CounterRandom, networkIndex: Int) {
    for (k, entry) in parameterEntries.enumerated() {
      let values = parameters.pointer + entry.offset
      switch entry.role {
      case .weight:
        random.fillNormal(
          values, count: entry.count, purpose: .initialization, step: networkIndex, sample: k,
          mean: 0, standardDeviation: 0.02)
      case .normalizationScale:
        random.fillNormal(
          values, count: entry.count, purpose: .initialization, step: networkIndex, sample: k,
          mean: 1, standardDeviation: 0.02)
      case .bias, .normalizationShift:
        values.update(repeating: 0, count: entry.count)
      }
    }

    for entry in runningStatisticEntries {
      let initial: Float = entry.name.hasSuffix("running_var") ? 1 : 0
      (runningStatistics.pointer + entry.offset).update(repeating: initial, count: entry.count)
    }
    batchCounters.baseAddress.update(repeating: 0, count: batchCounters.count)
  }
}
