import SGANCore
import SGANData

/// Writes generated images and the latent vectors that made them to an HDF5 file.
///
/// Layout: `/images` uint8 `[N, H, W, C]` (the packed dataset's layout), `/generated` float32
/// `[N, C, H, W]` (the generator's raw output), `/latents` float32 `[N, nz]`; root attributes
/// `checkpoint`, `iteration`, `seed`, `input_range`.
public enum SampleFile {
  /// Writes the file atomically to `path`.
  public static func write(
    images: Tensor, latents: Tensor, range: InputRange, checkpoint: String, iteration: Int,
    seed: UInt64, to path: String
  ) throws {
    try HDF5File.writeAtomically(to: path) { file in
      try writeContents(
        to: file, images: images, latents: latents, range: range, checkpoint: checkpoint,
        iteration: iteration, seed: seed)
    }
  }

  private static func writeContents(
    to file: HDF5File, images: Tensor, latents: Tensor, range: InputRange, checkpoint: String,
    iteration: Int, seed: UInt64
  ) throws {
    let shape = images.shape
    let bytes = SampleGrid.images(from: images, range: range).flatMap(\.pixels)
    let imageData = try file.createDataset(
      "images", of: UInt8.self, shape: [shape.batch, shape.height, shape.width, shape.channels])
    try imageData.write(bytes)

    let generated = try file.createDataset(
      "generated", of: Float.self,
      shape: [shape.batch, shape.channels, shape.height, shape.width])
    try generated.write(images.values)

    let latentData = try file.createDataset(
      "latents", of: Float.self, shape: [latents.shape.batch, latents.shape.channels])
    try latentData.write(latents.values)

    try file.writeAttribute("checkpoint", checkpoint)
    try file.writeAttribute("iteration", Int64(iteration))
    try file.writeAttribute("seed", seed)
    try file.writeAttribute("input_range", range.rawValue)
  }
}
