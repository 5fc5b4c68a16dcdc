import Foundation
import SGANCommandLine
import SGANData

runTool("sgan-pack") {
  try requireSingleProcess("sgan-pack")
  let (command, arguments) = try tool.parse(Array(CommandLine.arguments.dropFirst()))
  let name = command.name

  switch command.name {
  case celebaCommand.name:
    let size = try arguments.int("size", default: 64, range: 4...4096)!
    let crop = try parseCrop(arguments.string("crop", default: "108")!, commandName: name)
    let filter = try arguments.choice("filter", ["triangle", "lanczos3"], default: "triangle")!
    let split = try arguments.choice(
      "split", ["train", "validation", "test", "all"], default: "all")!
    let preparation = ImagePreparation(
      channels: 3, crop: crop, outputWidth: size, outputHeight: size,
      filter: ResampleFilter(rawValue: filter)!)
    let (packer, output) = try makePacker(arguments, preparation: preparation)
    let dataset = try CelebAImporter.importDataset(
      root: arguments.positional(0)!, split: Split(rawValue: split)!)
    try pack(dataset, packer: packer, output: output)

  case idxCommand.name:
    let size = try arguments.int("size", default: 28, range: 4...4096)!
    var sources = [IDXSource(imagesPath: arguments.positional(0)!, labelsPath: arguments.string("labels"))]
    if let testImages = arguments.string("test-images") {
      sources[0].partition = DatasetPartition.train.rawValue
      sources.append(
        IDXSource(
          imagesPath: testImages, labelsPath: arguments.string("test-labels"),
          partition: DatasetPartition.test.rawValue))
    } else if arguments.has("test-labels") {
      throw UsageError("--test-labels needs --test-images", commandName: name)
    }
    let (packer, output) = try makePacker(arguments, preparation: .idx(size: size))
    try pack(try IDXImporter.importDataset(sources), packer: packer, output: output)

  case folderCommand.name:
    let size = try arguments.int("size", default: 64, range: 4...4096)!
    let crop = try parseCrop(arguments.string("crop", default: "square")!, commandName: name)
    let channels = try arguments.choice("channels", ["1", "3"], default: "3")!
    let filter = try arguments.choice("filter", ["triangle", "lanczos3"], default: "triangle")!
    let preparation = ImagePreparation(
      channels: Int(channels)!, crop: crop, outputWidth: size, outputHeight: size,
      filter: ResampleFilter(rawValue: filter)!)
    let (packer, output) = try makePacker(arguments, preparation: preparation)
    let dataset = try FolderImporter.importDataset(
      root: arguments.positional(0)!,
      labelsFromSubfolders: arguments.flag("labels-from-subfolders"))
    try pack(dataset, packer: packer, output: output)

  case infoCommand.name:
    let dataset = try PackedDataset(path: arguments.positional(0)!)
    let summary = try dataset.summary(verifyChecksum: arguments.flag("verify"))
    Console.info(summary.describe())
    if summary.checksumMismatch, let stored = summary.storedChecksum,
      let computed = summary.recomputedChecksum
    {
      throw PackingError.checksumMismatch(path: dataset.path, stored: stored, computed: computed)
    }

  case benchCommand.name:
    try runBenchmark(arguments)

  default:
    preconditionFailure("subcommand \(command.name) has no handler")
  }
}
