import SGANTraining

/// The mixture a two-dimensional experiment learns.
public enum MixtureShape: String, Codable, Sendable, CaseIterable {
  /// 8 Gaussians on a circle of radius 2, standard deviation 0.02.
  case ring

  /// 25 Gaussians on a 5x5 grid of spacing 2 centred on the origin, standard deviation 0.05.
  case grid

  /// The mixture's components.
  public var mixture: GaussianMixture {
    switch self {
    case .ring: return .ring()
    case .grid: return .grid()
    }
  }
}

/// Every setting of one two-dimensional mixture run.
///
/// G maps z `[N, latentSize, 1, 1]` through `hiddenLayers` ReLU layers of `hiddenWidth` units
/// to a point `[N, 2, 1, 1]`; D maps a point through as many LeakyReLU layers to one energy.
public struct MixtureSettings: Codable, Equatable, Sendable {
  public var mixture = MixtureShape.ring
  public var latentSize = 2
  public var hiddenWidth = 128
  public var hiddenLayers = 2
  /// Real samples per discriminator update (N), equal to the generated samples (M).
  public var batchSize = 256
  /// Iterations, each `discriminatorSteps` D updates then `generatorSteps` G updates.
  public var steps = 3000
  public var learningRate = 1e-4
  public var beta1 = 0.5
  public var beta2 = 0.999
  public var discriminatorSteps = 1
  public var generatorSteps = 1
  /// Generated points the metrics are computed on.
  public var evaluationSamples = 2500
  /// Iterations between checkpoints.
  public var checkpointEvery = 1000

  /// Creates the defaults.
  public init() {}

  /// Applies the values that `values` sets.
  public mutating func apply(_ values: SettingValues) {
    if let value = values.mixture { mixture = value }
    if let value = values.latentSize { latentSize = value }
    if let value = values.hiddenWidth { hiddenWidth = value }
    if let value = values.hiddenLayers { hiddenLayers = value }
    if let value = values.batchSize { batchSize = value }
    if let value = values.steps { steps = value }
    if let value = values.learningRate { learningRate = value }
    if let value = values.beta1 { beta1 = value }
    if let value = values.beta2 { beta2 = value }
    if let value = values.discriminatorSteps { discriminatorSteps = value }
    if let value = values.generatorSteps { generatorSteps = value }
    if let value = values.evaluationSamples { evaluationSamples = value }
    if let value = values.checkpointEvery { checkpointEvery = value }
  }

  /// Returns the first invalid value, or nil.
  public func validationProblem() -> String? {
    let positive = [
      ("latentSize", latentSize), ("hiddenWidth", hiddenWidth), ("batchSize", batchSize),
      ("steps", steps), ("discriminatorSteps", discriminatorSteps),
      ("generatorSteps", generatorSteps), ("evaluationSamples", evaluationSamples),
      ("checkpointEvery", checkpointEvery),
    ]
    for (name, value) in positive where value < 1 {
      return "\(name) must be at least 1, got \(value)"
    }
    if hiddenLayers < 0 {
      return "hiddenLayers must not be negative, got \(hiddenLayers)"
    }
    if !(learningRate > 0) || !(0..<1).contains(beta1) || !(0..<1).contains(beta2) {
      return "learningRate must be positive and beta1, beta2 in [0, 1)"
    }
    return nil
  }

  /// The layer sizes of the generator, latent to point.
  var generatorSizes: [Int] {
    [latentSize] + Array(repeating: hiddenWidth, count: hiddenLayers) + [2]
  }

  /// The layer sizes of the discriminator, point to energy.
  var discriminatorSizes: [Int] {
    [2] + Array(repeating: hiddenWidth, count: hiddenLayers) + [1]
  }
}
