#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import SGANCore
import SGANData

/// A small Fashion-MNIST classifier trained by this project's engine, used to judge generated
/// images without downloaded weights: predicted classes for coverage, and the activations of
/// its last hidden layer as the features of a Fréchet distance.
///
/// The network is an MLP on 32x32 grey images scaled to [-1, 1]:
/// 1024 → 256 → ReLU → 64 → ReLU → 10 logits. It trains with softmax cross-entropy and Adam
/// (lr 1e-3, beta1 0.9) on the train split and reports its accuracy on the test split. The
/// trained parameters are cached in `classifier.bin` (raw little-endian Float32) with
/// `classifier.json` beside it, so every cell of a grid uses the same classifier.
public final class FashionClassifier {
  /// Layer sizes from pixels to logits.
  public static let sizes = [32 * 32, 256, 64, 10]

  /// The number of classes.
  public static let classCount = 10

  /// The feature dimension, the width of the last hidden layer.
  public static let featureDimension = 64

  /// Images per forward pass.
  static let chunk = 250

  /// Index of the layer whose output is the feature vector (the ReLU after the 64 units).
  static let featureLayer = 3

  /// The network, `[chunk, 1024, 1, 1]` inputs.
  public let network: Network

  /// Fraction of the test split classified correctly.
  public let testAccuracy: Double

  /// The dataset the classifier was trained on.
  public let dataPath: String

  private var realStatisticsCache: (count: Int, statistics: FeatureStatistics, distance: Double)?

  init(network: Network, testAccuracy: Double, dataPath: String) {
    self.network = network
    self.testAccuracy = testAccuracy
    self.dataPath = dataPath
  }

  /// The stored facts next to the parameters.
  struct Record: Codable {
    var sizes: [Int]
    var testAccuracy: Double
    var dataPath: String
    var epochs: Int
    var seed: UInt64
  }

  /// Loads the classifier cached in `directory`, or trains one on `dataPath` and caches it.
  ///
  /// - Throws: ``ExperimentError/invalidSetting(experiment:setting:reason:)`` when the dataset
  ///   is not 32x32 grey with labels and train and test partitions; file errors as they come.
  public static func loadOrTrain(
    dataPath: String, directory: String, seed: UInt64, epochs: Int = 3,
    report: (String) -> Void = { _ in }
  ) throws -> FashionClassifier {
    let recordPath = directory + "/classifier.json"
    let parametersPath = directory + "/classifier.bin"
    let network = MLP.makeNetwork(sizes: sizes, activation: .relu, maxBatch: chunk)

    if let data = try? Data(contentsOf: URL(fileURLWithPath: recordPath)),
      let record = try? JSONDecoder().decode(Record.self, from: data), record.sizes == sizes,
      let values = try? Data(contentsOf: URL(fileURLWithPath: parametersPath)),
      values.count == network.parameterCount * 4
    {
      values.withUnsafeBytes { bytes in
        for i in 0..<network.parameterCount {
          network.parameters.pointer[i] = Float(
            bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
      }
      network.mode = .inference
      return FashionClassifier(
        network: network, testAccuracy: record.testAccuracy, dataPath: dataPath)
    }

    report("classifier: training on '\(dataPath)' for \(epochs) epochs")
    let data = try LabelledImages(path: dataPath)
    let accuracy = try train(network, on: data, epochs: epochs, seed: seed, report: report)
    report(String(format: "classifier: test accuracy %.4f", accuracy))

    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var bytes = Data(capacity: network.parameterCount * 4)
    for i in 0..<network.parameterCount {
      withUnsafeBytes(of: network.parameters.pointer[i].bitPattern.littleEndian) {
        bytes.append(contentsOf: $0)
      }
    }
    try writeAtomically(bytes, to: parametersPath)
    let record = Record(
      sizes: sizes, testAccuracy: accuracy, dataPath: dataPath, epochs: epochs, seed: seed)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try writeAtomically(try encoder.encode(record), to: recordPath)
    return FashionClassifier(network: network, testAccuracy: accuracy, dataPath: dataPath)
  }

  /// Returns the predicted class and the feature vector `[64]` of each image of `pixels`,
  /// `count` 32x32 grey images as bytes.
  public func classify(pixels: [UInt8], count: Int) -> (predictions: [Int], features: [Float]) {
    precondition(pixels.count == count * 1024, "expected \(count) images of 32x32 bytes")
    network.mode = .inference
    let input = Tensor(shape: TensorShape(FashionClassifier.chunk, 1024, 1, 1))
    var predictions: [Int] = []
    var features: [Float] = []
    predictions.reserveCapacity(count)
    features.reserveCapacity(count * FashionClassifier.featureDimension)

    for start in stride(from: 0, to: count, by: FashionClassifier.chunk) {
      let size = min(FashionClassifier.chunk, count - start)
      let batch = input.samples(0, count: size)
      FashionClassifier.scale(pixels, from: start * 1024, count: size * 1024, into: batch.pointer)
      let logits = network.forward(batch)
      predictions += FashionClassifier.argmax(logits, count: size)
      let hidden = network.layerOutput(FashionClassifier.featureLayer)
      features += UnsafeBufferPointer(start: hidden.pointer, count: hidden.count)
    }
    return (predictions, features)
  }

  /// Returns the feature statistics and mean pairwise pixel distance of the first `count`
  /// test images (at most 500 for the distance), computed once per count.
  public func realReference(count: Int) throws -> (statistics: FeatureStatistics, distance: Double)
  {
    if let cache = realStatisticsCache, cache.count == count {
      return (cache.statistics, cache.distance)
    }
    let data = try LabelledImages(path: dataPath)
    let rows = Array(data.testRows.prefix(count))
    let pixels = try data.dataset.readImages(indices: rows)
    let features = classify(pixels: pixels, count: rows.count).features
    let statistics = FeatureStatistics(
      features: features, dimension: FashionClassifier.featureDimension)
    let distance = meanPairwiseDistance(unitPixels(pixels, count: min(500, rows.count)), dimension: 1024)
    realStatisticsCache = (count, statistics, distance)
    return (statistics, distance)
  }

  /// Writes pixels x as x / 127.5 - 1, the scaling the classifier trains on.
  static func scale(
    _ pixels: [UInt8], from start: Int, count: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<count {
      destination[i] = Float(pixels[start + i]) / 127.5 - 1
    }
  }

  /// Returns the index of the largest logit of each of the first `count` rows of `logits`.
  static func argmax(_ logits: Tensor, count: Int) -> [Int] {
    let classes = logits.shape.channels
    return (0..<count).map { n in
      var best = 0
      for k in 1..<classes where logits.pointer[n * classes + k] > logits.pointer[n * classes + best] {
        best = k
      }
      return best
    }
  }
}

/// Returns the first `count` images of `pixels` as floats x / 255 in [0, 1].
func unitPixels(_ pixels: [UInt8], count: Int) -> [Float] {
  pixels.prefix(count * 1024).map { Float($0) / 255 }
}
