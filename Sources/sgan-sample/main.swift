import Foundation
import SGANCommandLine
import SGANTraining

let command = Command(
  name: "sgan-sample",
  summary: "Generates images from a checkpoint's generator (batch norm in inference mode).",
  discussion: """
    OUT ending in .png receives one grid of all images; OUT ending in .h5 receives /images
    (uint8 [N, H, W, C]), /generated (float32 [N, C, H, W], the raw generator output) and
    /latents (float32 [N, nz]). Sample i uses latent vector i of the seed's stream, so the
    same --seed gives the same latent vectors for any checkpoint with the same nz.

    Example:
      sgan-sample --checkpoint runs/fashion/checkpoint.h5 --count 64 --seed 1 -o grid.png
    """,
  options: [
    .value("checkpoint", "FILE", "checkpoint.h5 written by sgan-train (required)."),
    .value("count", "N", "Number of images.", default: "64"),
    .value("seed", "N", "Seed of the latent vectors.", default: "1"),
    .value("columns", "N", "Columns of the PNG grid.", default: "the square root of --count"),
    .value("output", "OUT", "Output file, .png or .h5 (required; -o for short)."),
  ])

runTool("sgan-sample") {
  try requireSingleProcess("sgan-sample")
  let arguments = try command.parse(Array(CommandLine.arguments.dropFirst()))
  let checkpoint = try arguments.requiredString("checkpoint")
  let output = try arguments.requiredString("output")
  let count = try arguments.int("count", default: 64, range: 1...100_000)!
  let seed = UInt64(try arguments.int("seed", default: 1, range: 0...Int.max)!)
  let defaultColumns = Int(Double(count).squareRoot().rounded(.up))
  let columns = try arguments.int("columns", default: defaultColumns, range: 1...10_000)!

  let isPNG = output.lowercased().hasSuffix(".png")
  let isHDF5 = output.lowercased().hasSuffix(".h5") || output.lowercased().hasSuffix(".hdf5")
  guard isPNG || isHDF5 else {
    throw UsageError(
      "output '\(output)' must end in .png (a grid) or .h5 (images and latent vectors)",
      commandName: command.name)
  }

  let sampler = try GeneratorSampler(checkpointPath: checkpoint)
  let (images, latents) = sampler.generate(count: count, seed: seed)
  let range = sampler.configuration.inputRange
  if isPNG {
    try SampleGrid.write(images, range: range, columns: columns, toPath: output)
  } else {
    try SampleFile.write(
      images: images, latents: latents, range: range, checkpoint: checkpoint,
      iteration: sampler.state.iteration, seed: seed, to: output)
  }
  Console.info(
    "wrote \(count) images from iteration \(sampler.state.iteration) of '\(checkpoint)' to '\(output)'")
}
