import Foundation
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
    guard FileManager.default.fileExists(atPath: path) else {
      throw TrainingError.checkpoint(path: path, reason: "not found; pass a checkpoint.h5 written by sgan-train")
    }
    guard (try? HDF5File.isHDF5(path: path)) == true else {
      throw TrainingError.checkpoint(path: path, reason: "not an HDF5 file; pass a checkpoint.h5 written by sgan-train")
    }
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

  /// Generates `count` images from the sample-grid latent vectors of `seed`
  /// (``sampleGridLatents(count:latentSize:seed:)``), so the run's own seed and 64 images
  /// reproduce the grids the trainer wrote.
  ///
  /// - Returns: The images `[count, C, H, W]` in the run's input range and the latent
  ///   vectors `[count, nz, 1, 1]`.
  public func generate(count: Int, seed: UInt64) -> (images: Tensor, latents: Tensor) {
    let latents = sampleGridLatents(count: count, latentSize: latentSize, seed: seed)
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

/// Returns `count` latent vectors `[count, nz, 1, 1]`: vector i is the normal stream
/// (seed, sample grid, step 0, sample i) of the counter-based generator. The trainer's sample
/// grids and `sgan-sample` both draw them, so the same seed gives the same vectors in both.
public func sampleGridLatents(count: Int, latentSize: Int, seed: UInt64) -> Tensor {
  let latents = Tensor(shape: TensorShape(count, latentSize, 1, 1))
  let random = CounterRandom(seed: seed)
  for n in 0..<count {
    random.fillNormal(
      latents.pointer + n * latentSize, count: latentSize, purpose: .sampleGrid, step: 0,
      sample: n)
  }
  return latents
}
