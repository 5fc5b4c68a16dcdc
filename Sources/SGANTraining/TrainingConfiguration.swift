/// The loss a run trains with.
public enum LossKind: String, Codable, CaseIterable, Sendable {
  /// Softmax GAN: softmax cross-entropy of the negated energies over the whole batch.
  case softmax

  /// The standard GAN loss: sigmoid cross-entropy for D, non-saturating -log D(G(z)) for G.
  case gan
}

/// The range real images are scaled to, which also selects the generator's output layer.
public enum InputRange: String, Codable, CaseIterable, Sendable {
  /// Pixels scaled to [-1, 1] as x / 127.5 - 1; the generator ends in tanh.
  case symmetric = "-1,1"

  /// Pixels scaled to [0, 1) as x / 256; the generator ends in a sigmoid.
  case unit = "0,1"
}

/// Every setting of a training run; stored in `config.json` and compared on resume.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
  /// Path of the packed HDF5 dataset.
  public var dataPath: String

  /// Dataset split to train on: train, validation, test, all, or auto (train when the file
  /// has a partition, else all), which a new run resolves before storing.
  public var split: String = "auto"

  /// Worker threads that share each batch.
  public var threads: Int = 1

  /// Real images per discriminator step (N).
  public var batchSize: Int = 64

  /// Generated images per step (M); equal to `batchSize` unless set.
  public var fakeSize: Int = 64

  /// Iterations of the run, each `discriminatorSteps` D updates then `generatorSteps` G updates.
  public var steps: Int = 1000

  /// Seed of every random stream: initialisation, latent noise, data order.
  public var seed: UInt64 = 1

  /// The loss of both networks.
  public var loss: LossKind = .softmax

  /// Adam's learning rate for both networks.
  public var learningRate: Double = 2e-4

  /// Adam's first-moment decay.
  public var beta1: Double = 0.5

  /// Adam's second-moment decay.
  public var beta2: Double = 0.999

  /// Adam's epsilon.
  public var epsilon: Double = 1e-8

  /// Discriminator updates per iteration.
  public var discriminatorSteps: Int = 1

  /// Generator updates per iteration.
  public var generatorSteps: Int = 1

  /// Latent vector length (nz).
  public var latentSize: Int = 100

  /// Base filter count of both networks (DCGAN's ngf and ndf).
  public var filters: Int = 64

  /// Range of the real images and of the generator's output.
  public var inputRange: InputRange = .symmetric

  /// Whether the generator uses batch normalisation.
  public var generatorBatchNorm: Bool = true

  /// Whether the discriminator uses batch normalisation.
  public var discriminatorBatchNorm: Bool = true

  /// Whether every generator block keeps the base filter count instead of halving it.
  public var constantGeneratorFilters: Bool = false

  /// Whether the discriminator uses ReLU in place of LeakyReLU with slope 0.2.
  public var discriminatorReLU: Bool = false

  /// Iterations between sample grids; 0 disables them.
  public var sampleEvery: Int = 100

  /// Iterations between checkpoints; 0 writes one only at the end.
  public var checkpointEvery: Int = 500

  /// Iterations between progress lines on standard output.
  public var logEvery: Int = 10

  /// Creates a configuration with DCGAN's defaults for the dataset at `dataPath`.
  public init(dataPath: String) {
    self.dataPath = dataPath
  }

  /// Returns whether both settings describe the same run: equal in everything but the
  /// iteration count, the thread count, the dataset's path and how often the run reports.
  public func definesSameRun(as other: TrainingConfiguration) -> Bool {
    var left = self
    var right = other
    for index in 0..<2 {
      var settings = index == 0 ? left : right
      settings.steps = 0
      settings.threads = 0
      settings.dataPath = ""
      settings.sampleEvery = 0
      settings.checkpointEvery = 0
      settings.logEvery = 0
      if index == 0 { left = settings } else { right = settings }
    }
    return left == right
  }

  /// Returns the first problem with the settings that no dataset is needed to see, or nil.
  public func validationProblem(processes: Int = 1) -> String? {
    if threads < 1 {
      return "--threads must be at least 1 (got \(threads))"
    }
    if batchSize < 1 || fakeSize < 1 {
      return "--batch-size and --fake-size must be at least 1"
    }
    if batchSize < processes || fakeSize < processes {
      return "--batch-size \(batchSize) and --fake-size \(fakeSize) must each be at least the "
        + "\(processes) MPI ranks, because every rank takes at least one real and one generated "
        + "image; raise them or start fewer ranks"
    }
    if steps < 1 {
      return "--steps must be at least 1 (got \(steps))"
    }
    if discriminatorSteps < 1 || generatorSteps < 1 {
      return "--d-steps and --g-steps must be at least 1"
    }
    if !["train", "validation", "test", "all", "auto"].contains(split) {
      return "--split must be train, validation, test, all or auto (got '\(split)')"
    }
    if !(learningRate > 0) || !(0..<1).contains(beta1) || !(0..<1).contains(beta2) {
      return "--lr must be positive and --beta1, --beta2 in [0, 1)"
    }
    if latentSize < 1 || filters < 1 {
      return "--nz and --filters must be at least 1"
    }
    return nil
  }
}
