import Testing

@testable import SGANCore

/// Returns a tensor of `shape` with normal values from stream `sample` of `seed`.
func randomTensor(
  _ shape: TensorShape, seed: UInt64, sample: Int = 0, mean: Float = 0, standardDeviation: Float = 1
) -> Tensor {
  let tensor = Tensor(shape: shape)
  CounterRandom(seed: seed).fillNormal(
    tensor, purpose: RandomPurpose(rawValue: 100), step: 0, sample: sample, mean: mean,
    standardDeviation: standardDeviation)
  return tensor
}

/// Returns a tensor whose values have magnitudes in [0.1, 1.1] and random signs, so that a
/// perturbation below 0.1 never crosses the kink of a rectifier at 0.
func tensorAwayFromZero(_ shape: TensorShape, seed: UInt64) -> Tensor {
  let tensor = Tensor(shape: shape)
  CounterRandom(seed: seed).fillUniform(
    tensor.pointer, count: tensor.count, purpose: RandomPurpose(rawValue: 101), step: 0, sample: 0)
  for i in 0..<tensor.count {
    let u = tensor[i]
    tensor[i] = u < 0.5 ? -(0.1 + 2 * u) : 0.1 + 2 * (u - 0.5)
  }
  return tensor
}

/// Fills every parameter of `network` with normal values: scales near 1, the rest near 0.
func randomizeParameters(_ network: Network, seed: UInt64, standardDeviation: Float = 0.5) {
  let random = CounterRandom(seed: seed)
  for (k, entry) in network.parameterEntries.enumerated() {
    let mean: Float = entry.role == .normalizationScale ? 1 : 0
    random.fillNormal(
      network.parameters.pointer + entry.offset, count: entry.count,
      purpose: RandomPurpose(rawValue: 102), step: 0, sample: k, mean: mean,
      standardDeviation: standardDeviation)
  }
}

/// The first mismatch between two float sequences, if any, under
/// |a - b| ≤ tolerance·max(floor, |b|).
struct Mismatch: CustomStringConvertible {
  var index: Int
  var actual: Double
  var expected: Double
  var maxDifference: Double
  var tolerance: Double
  var floor: Double

  var description: String {
    "index \(index): got \(actual), expected \(expected) "
      + "(max difference \(maxDifference), tolerance \(tolerance) "
      + "relative to max(\(floor), |expected|))"
  }
}

/// Compares element-wise with a tolerance relative to max(floor, |expected|) and returns the
/// first mismatch, reporting the largest difference seen. The default floor of 1 makes the
/// tolerance absolute for values below 1.
func firstMismatch<A: Collection, B: Collection>(
  _ actual: A, _ expected: B, tolerance: Double, floor: Double = 1
) -> Mismatch? where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
  precondition(actual.count == expected.count, "compared sequences differ in length")
  var first: Mismatch?
  var maxDifference = 0.0
  for (index, (a, b)) in zip(actual, expected).enumerated() {
    let (x, y) = (Double(a), Double(b))
    let difference = abs(x - y)
    maxDifference = max(maxDifference, difference.isNaN ? .infinity : difference)
    if first == nil && !(difference <= tolerance * max(floor, abs(y))) {
      first = Mismatch(
        index: index, actual: x, expected: y, maxDifference: 0, tolerance: tolerance,
        floor: floor)
    }
  }
  first?.maxDifference = maxDifference
  return first
}

/// Returns a network whose only layer is `layer`, with random parameters.
func singleLayerNetwork(_ layer: any Layer, inputShape: TensorShape, seed: UInt64) -> Network {
  let network = Network(layers: [layer], inputShape: inputShape)
  randomizeParameters(network, seed: seed)
  return network
}

/// Returns the root mean square of `values`, a scale for comparing tensors of small values.
func rootMeanSquare(_ values: [Float]) -> Double {
  (values.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(values.count, 1))).squareRoot()
}

/// Returns a tiny DCGAN configuration for tests: 32x32, nz 4, 2 base filters.
func tinyConfiguration(channels: Int = 3) -> DCGANConfiguration {
  var configuration = DCGANConfiguration()
  configuration.imageSize = 32
  configuration.channels = channels
  configuration.latentSize = 4
  configuration.generatorFilters = 2
  configuration.discriminatorFilters = 2
  return configuration
}
