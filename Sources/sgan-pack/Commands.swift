import SGANCommandLine
import SGANData

let cores = ProcessInfo.processInfo.activeProcessorCount

/// Options every packing subcommand takes.
let commonPackOptions: [Option] = [
  .value("output", "OUT.h5", "Output file (required; -o for short)."),
  .value("threads", "N", "Decoding threads.", default: "\(cores), all cores"),
  .value("deflate", "LEVEL", "zlib level 1-9 for every dataset, 0 for none.", default: "4"),
  .flag("skip-bad", "Record unreadable images in /skipped and pack the rest."),
  .flag("overwrite", "Replace OUT.h5 if it exists."),
]

let celebaCommand = Command(
  name: "sgan-pack celeba",
  summary: "Packs CelebA's aligned images with their partition, attributes and identities.",
  discussion: """
    ROOT is laid out like the official release: img_align_celeba/*.jpg (or the PNG release
    img_align_celeba_png/*.png) and, when present, list_eval_partition.txt,
    list_attr_celeba.txt and identity_CelebA.txt. The default preprocessing is DCGAN's: a
    108x108 centre crop resized to 64x64 with an antialiasing triangle filter.

    --crop takes N (centred NxN), HxW (centred), TOP,LEFT,HEIGHT,WIDTH, square (largest
    centred square) or none.

    Example:
      sgan-pack celeba ~/data/celeba -o celeba-64.h5
    """,
  options: commonPackOptions + [
    .value("crop", "BOX", "Crop before resizing.", default: "108"),
    .value("size", "N", "Output side in pixels.", default: "64"),
    .value("split", "NAME", "train, validation, test or all.", default: "all"),
    .value("filter", "NAME", "Resampling filter: triangle or lanczos3.", default: "triangle"),
  ],
  positionals: [Positional("ROOT", "The CelebA folder.")])

let idxCommand = Command(
  name: "sgan-pack idx",
  summary: "Packs MNIST-style IDX files (gzip-compressed or not), such as Fashion-MNIST.",
  discussion: """
    IMAGES is an idx3 images file; --labels its idx1 labels. --test-images and --test-labels
    add a second pair stored with partition test, after the first pair's train rows.
    --size 32 pads the 28x28 images with 2 black pixels on every side, which keeps every
    pixel exact; other sizes resize with the triangle filter.

    Example (Debian's dataset-fashion-mnist package):
      d=/usr/share/datasets/fashion-mnist
      sgan-pack idx $d/train-images-idx3-ubyte.gz --labels $d/train-labels-idx1-ubyte.gz \\
        --test-images $d/t10k-images-idx3-ubyte.gz --test-labels $d/t10k-labels-idx1-ubyte.gz \\
        --size 32 -o fashion-mnist-32.h5
    """,
  options: commonPackOptions + [
    .value("labels", "FILE", "idx1 labels of IMAGES."),
    .value("test-images", "FILE", "A second idx3 file, stored as the test partition."),
    .value("test-labels", "FILE", "idx1 labels of --test-images."),
    .value("size", "N", "Output side in pixels.", default: "28"),
  ],
  positionals: [Positional("IMAGES", "The idx3 images file.")])

let folderCommand = Command(
  name: "sgan-pack folder",
  summary: "Packs every JPEG and PNG file under a folder, sorted by path.",
  discussion: """
    Gray, RGB, RGBA, palette and 16-bit PNGs and gray, RGB and CMYK JPEGs all become
    --channels channels. Files of other types are counted and ignored.

    Example:
      sgan-pack folder ~/pictures -o pictures-64.h5 --crop square --size 64
    """,
  options: commonPackOptions + [
    .value("crop", "BOX", "Crop before resizing (see sgan-pack celeba --help).", default: "square"),
    .value("size", "N", "Output side in pixels.", default: "64"),
    .value("channels", "N", "Output channels: 1 (gray) or 3 (RGB).", default: "3"),
    .value("filter", "NAME", "Resampling filter: triangle or lanczos3.", default: "triangle"),
    .flag("labels-from-subfolders", "Label each image by its first-level subfolder."),
  ],
  positionals: [Positional("DIR", "The folder to pack.")])

let infoCommand = Command(
  name: "sgan-pack info",
  summary: "Prints what a packed file holds: count, shape, splits, attributes, checksum.",
  options: [.flag("verify", "Recompute the content checksum and compare it.")],
  positionals: [Positional("FILE", "A file written by sgan-pack.")])

let benchCommand = Command(
  name: "sgan-pack bench",
  summary: "Times bare JPEG decoding against decode, crop and resize per thread count.",
  discussion: """
    Reads every .jpg in DIR into memory, then measures images/s of TurboJPEG decoding alone
    and of the packer's whole preparation (CelebA's 108x108 crop to --size) for each thread
    count. The cost ratio is the preparation's time over the bare decode's.
    """,
  options: [
    .value("threads", "LIST", "Thread counts to measure.", default: "1,\(cores)"),
    .value("size", "N", "Output side in pixels.", default: "64"),
    .value("seconds", "S", "Minimum seconds per measurement.", default: "2"),
  ],
  positionals: [Positional("DIR", "A folder of JPEG files, such as CelebA's img_align_celeba.")])

let tool = ToolWithSubcommands(
  name: "sgan-pack",
  summary: "Packs image sets into HDF5 files for sgan-train, and describes packed files.",
  subcommands: [celebaCommand, idxCommand, folderCommand, infoCommand, benchCommand])

/// Parses `--crop`.
func parseCrop(_ text: String, commandName: String) throws -> CropRule {
  let invalid = UsageError(
    "invalid value '\(text)' for '--crop': expected N, HxW, TOP,LEFT,HEIGHT,WIDTH, square or none",
    commandName: commandName)
  switch text {
  case "none": return .none
  case "square": return .centeredSquare
  default: break
  }
  if let side = Int(text), side > 0 {
    return .centered(height: side, width: side)
  }
  let sides = text.split(separator: "x").compactMap { Int($0) }
  if sides.count == 2, text.split(separator: "x").count == 2, sides.allSatisfy({ $0 > 0 }) {
    return .centered(height: sides[0], width: sides[1])
  }
  let box = text.split(separator: ",").compactMap { Int($0) }
  if box.count == 4, text.split(separator: ",").count == 4, box[0] >= 0, box[1] >= 0, box[2] > 0,
    box[3] > 0
  {
    return .box(CropBox(top: box[0], left: box[1], height: box[2], width: box[3]))
  }
  throw invalid
}

/// Reads the options shared by the packing subcommands.
func makePacker(
  _ arguments: ParsedArguments, preparation: ImagePreparation
) throws -> (DatasetPacker, output: String) {
  let output = try arguments.requiredString("output")
  if !arguments.flag("overwrite") && FileManager.default.fileExists(atPath: output) {
    throw UsageError(
      "'\(output)' already exists; pass --overwrite to replace it", commandName: arguments.commandName)
  }
  let packer = DatasetPacker(
    preparation: preparation,
    threads: try arguments.int("threads", default: cores, range: 1...1024)!,
    skipBad: arguments.flag("skip-bad"),
    deflateLevel: try arguments.int("deflate", default: 4, range: 0...9)!)
  return (packer, output)
}

/// Packs `dataset` with progress and prints the summary of the written file.
///
/// SIGINT or SIGTERM stops after the block in progress and removes the temporary file, so an
/// interrupted run leaves nothing behind.
func pack(_ dataset: ImportedDataset, packer: DatasetPacker, output: String) throws {
  if dataset.count == 0 {
    throw UsageError(
      "the selected split holds no images, so there is nothing to pack; choose another --split",
      commandName: "sgan-pack")
  }
  let stop = StopRequest(notice: "stopping after the current block; no output will be written")
  if !dataset.strayFiles.isEmpty {
    Console.warning(
      "ignored \(dataset.strayFiles.count) files that are not JPEG or PNG images, such as "
        + "'\(dataset.strayFiles[0])'")
  }
  Console.info("HDF5 library thread-safe: \(HDF5Library.isThreadSafe ? "yes" : "no")")
  Console.info(
    "packing \(dataset.count) images on \(packer.threads) threads: "
      + packer.preparation.summary)

  let reporter = ProgressReporter(label: "packed", total: dataset.count, unit: "images")
  var reported = 0
  let summary = try packer.pack(dataset, to: output) { handled in
    reporter.advance(by: handled - reported)
    reported = handled
    if let signal = stop.received {
      throw PackingInterrupted(signal: signal, output: output)
    }
  }
  reporter.finish()
  if !summary.skippedFiles.isEmpty {
    Console.warning(
      "skipped \(summary.skippedFiles.count) unreadable files (listed in /skipped of '\(output)')")
  }
  Console.info(summary.describe())
}

import Foundation

/// Thrown when a signal stops packing; the partial output has been removed.
struct PackingInterrupted: Error, CustomStringConvertible {
  let signal: String
  let output: String

  var description: String {
    "stopped by \(signal); '\(output)' was not written"
  }
}
