import SGANCore
import SGANData

/// Generates images from a checkpoint's generator with batch norm in inference mode.
public final class GeneratorSampler {
  /// The checkpoint's scalar state and settings.
  public let state: Checkpoint.State
  public let configuration: TrainingConfiguration

  /// The generator, in inference mode, for batches up to ``batchSize``.
  let generator: Network

  /// The largest batch one forward pass generates.
  public let batchSize: Int

  /// Loads the generator of the checkpoint at `path`.
  public init(checkpointPath path: String, batchSize: Int = 64) throws {
    state = try Checkpoint.readState(from: path)
    configuration = try state.configuration(path: path)
    self.batchSize = batchSize

    var trainingSettings = configuration
    trainingSettings.fakeSize = batchSize
    let networks = try Trainer.makeNetworks(
      trainingSettings, imageSize: state.imageShape[0], channels: state.imageShape[2])
    generator = networks.generator
    try Checkpoint.restoreGenerator(generator, from: path)
    generator.mode = .inference
  }

  /// The latent vector length, nz.
  public var latentSize: Int { configuration.latentSize }

  /// Generates `count` images from the latent vectors of stream `seed`: sample i uses the
  /// normal stream (latent noise, step 0, sample i) of `CounterRandom(seed:)`.
  ///
  /// - Returns: The images `[count, C, H, W]` in the run's input range and the latent
  ///   vectors `[count, nz, 1, 1]`.
  public func generate(count: Int, seed: UInt64) -> (images: Tensor, latents: Tensor) {
    let random = CounterRandom(seed: seed)
    let latents = Tensor(shape: TensorShape(count, latentSize, 1, 1))
    random.fillLatents(latents, step: 0)
    return (generate(latents: latents), latents)
  }

  /// Generates one image per latent vector of `latents [N, nz, 1, 1]`.
  public func generate(latents: Tensor) -> Tensor {
    let count = latents.shape.batch
    let channels = state.imageShape[2]
    let size = state.imageShape[0]
    let images = Tensor(shape: TensorShape(count, channels, size, size))

    var start = 0
    while start < count {
      let batch = min(batchSize, count - start)
      let output = generator.forward(latents.samples(start, count: batch))
      images.samples(start, count: batch).copy(from: output)
      start += batch
    }
    return images
  }
}
