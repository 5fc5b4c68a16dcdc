import Testing

@testable import SGANCore

/// An image size and channel count with a readable id.
struct ImageCase: CustomTestStringConvertible, Sendable {
  var size: Int
  var channels: Int
  var testDescription: String { "\(size)x\(size)x\(channels)" }
}

@Suite struct DCGANTests {
  @Test(
    arguments: [32, 64, 128].flatMap { size in [1, 3].map { ImageCase(size: size, channels: $0) } })
  func networksMapLatentsToImagesToEnergies(_ image: ImageCase) throws {
    var configuration = tinyConfiguration(channels: image.channels)
    configuration.imageSize = image.size
    let generator = try DCGAN.makeGenerator(configuration, maxBatch: 2)
    let discriminator = try DCGAN.makeDiscriminator(configuration, maxBatch: 2)
    generator.initializeDCGAN(random: CounterRandom(seed: 1), networkIndex: 0)
    discriminator.initializeDCGAN(random: CounterRandom(seed: 1), networkIndex: 1)

    let images = generator.forward(randomTensor(TensorShape(2, 4, 1, 1), seed: 2))
    #expect(images.shape == TensorShape(2, image.channels, image.size, image.size))
    #expect(images.values.allSatisfy { $0 > -1 })
    #expect(images.values.allSatisfy { $0 < 1 })

    let energies = discriminator.forward(images)
    #expect(energies.shape == TensorShape(2, 1, 1, 1))
    #expect(energies.values.allSatisfy { $0.isFinite })
  }

  @Test func generatorKeysFollowPyTorchDCGAN() throws {
    let generator = try DCGAN.makeGenerator(DCGANConfiguration(), maxBatch: 1)

    // examples/dcgan's netG at nz 100, ngf 64, nc 3; this engine adds main.12.bias.
    var expected: [(String, [Int])] = []
    for (index, (input, output)) in [(100, 512), (512, 256), (256, 128), (128, 64)].enumerated() {
      expected.append(("main.\(3 * index).weight", [input, output, 4, 4]))
      expected.append(("main.\(3 * index + 1).weight", [output]))
      expected.append(("main.\(3 * index + 1).bias", [output]))
    }
    expected.append(("main.12.weight", [64, 3, 4, 4]))
    expected.append(("main.12.bias", [3]))

    #expect(generator.parameterEntries.map(\.name) == expected.map(\.0))
    #expect(generator.parameterEntries.map(\.dimensions) == expected.map(\.1))
    #expect(
      generator.runningStatisticEntries.map(\.name)
        == [1, 4, 7, 10].flatMap { ["main.\($0).running_mean", "main.\($0).running_var"] })
    #expect(
      generator.counterEntries.map(\.name)
        == [1, 4, 7, 10].map { "main.\($0).num_batches_tracked" })
    #expect(generator.layers.last is Tanh)
  }

  @Test func discriminatorKeysFollowPyTorchDCGAN() throws {
    let discriminator = try DCGAN.makeDiscriminator(DCGANConfiguration(), maxBatch: 1)

    // examples/dcgan's netD at ndf 64, nc 3, without its final sigmoid; this engine adds the
    // bias of the first convolution, which no batch norm follows.
    let expected: [(String, [Int])] = [
      ("main.0.weight", [64, 3, 4, 4]), ("main.0.bias", [64]),
      ("main.2.weight", [128, 64, 4, 4]), ("main.3.weight", [128]), ("main.3.bias", [128]),
      ("main.5.weight", [256, 128, 4, 4]), ("main.6.weight", [256]), ("main.6.bias", [256]),
      ("main.8.weight", [512, 256, 4, 4]), ("main.9.weight", [512]), ("main.9.bias", [512]),
      ("main.11.weight", [1, 512, 4, 4]),
    ]
    #expect(discriminator.parameterEntries.map(\.name) == expected.map(\.0))
    #expect(discriminator.parameterEntries.map(\.dimensions) == expected.map(\.1))
    #expect(discriminator.layers.count == 12)
    #expect(discriminator.layers[1] is LeakyReLU)
  }

  @Test func entriesTileTheFlatBuffer() throws {
    let generator = try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: 1)
    var next = 0
    for entry in generator.parameterEntries {
      #expect(entry.offset == next, "\(entry.name)")
      next += entry.count
    }
    #expect(next == generator.parameterCount)
  }

  @Test func ablationSwitchesChangeArchitecture() throws {
    var configuration = tinyConfiguration()
    configuration.generatorBatchNorm = false
    configuration.discriminatorBatchNorm = false
    configuration.constantGeneratorFilters = true
    configuration.discriminatorActivation = .relu
    configuration.outputRange = .unit

    let generatorLayers = try DCGAN.generatorLayers(configuration)
    let discriminatorLayers = try DCGAN.discriminatorLayers(configuration)
    let transposed = generatorLayers.compactMap { $0 as? ConvTranspose2d }
    let convolutions = discriminatorLayers.compactMap { $0 as? Conv2d }

    #expect(!generatorLayers.contains { $0 is BatchNorm2d })
    #expect(!discriminatorLayers.contains { $0 is BatchNorm2d })
    #expect(transposed.dropLast().allSatisfy { $0.outputChannels == 2 })
    #expect(transposed.allSatisfy { $0.hasBias })
    #expect(convolutions.dropLast().allSatisfy { $0.hasBias })
    #expect(convolutions.last?.hasBias == false)
    #expect(!discriminatorLayers.contains { $0 is LeakyReLU })
    #expect(discriminatorLayers.contains { $0 is ReLU })
    #expect(generatorLayers.last is Sigmoid)
  }

  @Test func biasSwitchGivesPyTorchParameters() throws {
    var configuration = DCGANConfiguration()
    configuration.biasWithoutBatchNorm = false
    let generator = try DCGAN.makeGenerator(configuration, maxBatch: 1)
    let discriminator = try DCGAN.makeDiscriminator(configuration, maxBatch: 1)

    // examples/dcgan has bias=False on every convolution, so every bias is a batch norm's.
    let biasLayers = (generator.parameterEntries + discriminator.parameterEntries)
      .filter { $0.name.hasSuffix(".bias") }.map(\.role)
    #expect(biasLayers.allSatisfy { $0 == .normalizationShift })
    #expect(generator.parameterEntries.count == 13)
    #expect(discriminator.parameterEntries.count == 11)
  }

  @Test(arguments: [(48, 3), (64, 2), (256, 1)])
  func invalidConfigurationThrows(size: Int, channels: Int) {
    var configuration = DCGANConfiguration()
    configuration.imageSize = size
    configuration.channels = channels
    #expect(throws: DCGANConfigurationError.self) {
      _ = try DCGAN.makeGenerator(configuration, maxBatch: 1)
    }
  }

  @Test func configurationErrorNamesTheValue() {
    var configuration = DCGANConfiguration()
    configuration.imageSize = 48
    do {
      try configuration.validate()
      Issue.record("image size 48 was accepted")
    } catch {
      #expect(error.description == "image size 48 is not supported; use 32, 64 or 128")
    }
  }

  @Test func initializationFollowsDCGAN() throws {
    let generator = try DCGAN.makeGenerator(DCGANConfiguration(), maxBatch: 1)
    generator.initializeDCGAN(random: CounterRandom(seed: 8), networkIndex: 0)

    func moments(_ role: ParameterRole) -> (mean: Double, deviation: Double) {
      let values = generator.parameterEntries.filter { $0.role == role }
        .flatMap { entry in entry.range.map { Double(generator.parameters[$0]) } }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
      return (mean, variance.squareRoot())
    }

    let weights = moments(.weight)
    let scales = moments(.normalizationScale)
    #expect(abs(weights.mean) < 1e-3)
    #expect(abs(weights.deviation - 0.02) < 1e-3)
    #expect(abs(scales.mean - 1) < 5e-3)
    #expect(abs(scales.deviation - 0.02) < 5e-3)
    #expect(moments(.bias) == (0, 0))
    #expect(moments(.normalizationShift) == (0, 0))
  }

  @Test func initializationDependsOnSeedAndNetworkIndex() throws {
    func parameters(seed: UInt64, networkIndex: Int) throws -> [Float] {
      let generator = try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: 1)
      generator.initializeDCGAN(random: CounterRandom(seed: seed), networkIndex: networkIndex)
      return generator.parameters.values
    }

    let base = try parameters(seed: 1, networkIndex: 0)
    #expect(try parameters(seed: 1, networkIndex: 0) == base)
    #expect(try parameters(seed: 2, networkIndex: 0) != base)
    #expect(try parameters(seed: 1, networkIndex: 1) != base)
  }

  // End to end, Float32 rounding in the long chains limits the difference quotients to about
  // 1% of a tensor's typical gradient, so the absolute floor is 1% of its RMS here instead of
  // the per-layer 0.1%. Rectifier kinks skip some coordinates; at most half may be skipped.
  static let endToEndChecker = GradientChecker(
    epsilon: 5e-3, relativeTolerance: 1e-2, absoluteTolerance: 1e-2, coordinatesPerTensor: 30)

  @Test func tinyGeneratorPassesGradientCheck() throws {
    let generator = try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: 3)
    randomizeParameters(generator, seed: 40, standardDeviation: 0.3)

    let latents = randomTensor(TensorShape(3, 4, 1, 1), seed: 41)
    let report = Self.endToEndChecker.check(generator, input: latents)
    #expect(report.checkedCoordinates >= 80)
    #expect(report.skippedCoordinates <= report.checkedCoordinates)
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test func tinyDiscriminatorPassesGradientCheck() throws {
    let discriminator = try DCGAN.makeDiscriminator(tinyConfiguration(), maxBatch: 3)
    randomizeParameters(discriminator, seed: 42, standardDeviation: 0.3)

    let images = randomTensor(TensorShape(3, 3, 32, 32), seed: 43)
    let report = Self.endToEndChecker.check(discriminator, input: images)
    #expect(report.checkedCoordinates >= 80)
    #expect(report.skippedCoordinates <= report.checkedCoordinates)
    #expect(report.failures.isEmpty, "\(report)")
  }

  @Test func endToEndCheckRejectsWrongInnerGradient() throws {
    // The discriminator with its second convolution's input gradient 5% too large: every
    // gradient upstream of it (the input and main.0) is off by 5%.
    var layers = try DCGAN.discriminatorLayers(tinyConfiguration())
    layers[2] = MiscalibratedLayer(layers[2], corruption: .scaleInputGradient(0.05))
    let discriminator = Network(layers: layers, inputShape: TensorShape(3, 3, 32, 32))
    randomizeParameters(discriminator, seed: 42, standardDeviation: 0.3)

    let report = Self.endToEndChecker.check(
      discriminator, input: randomTensor(TensorShape(3, 3, 32, 32), seed: 43))
    let upstream = report.failures.filter { $0.tensor == "input" || $0.tensor.hasPrefix("main.0.") }
    #expect(!upstream.isEmpty, "\(report)")
    #expect(upstream.count == report.failures.count, "\(report)")
  }
}
