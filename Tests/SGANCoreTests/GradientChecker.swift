@testable import SGANCore

/// Compares a network's backward pass with central finite differences of a scalar loss.
///
/// The loss is L = Σ r·y over the network's output y with a fixed random projection r,
/// accumulated in Float64, so dL/dy = r is the output gradient. For each checked coordinate θ
/// the numeric derivative is (L(θ + ε) - L(θ - ε)) / 2ε, and the coordinate passes when
/// |analytic - numeric| ≤ relativeTolerance·max(|analytic|, |numeric|) + absoluteTolerance·s,
/// where s is the root mean square of the tensor's analytic gradient (so the absolute floor
/// follows the tensor's scale, not a fixed number).
///
/// Rectifiers make L piecewise smooth: when a perturbation moves some rectifier input across 0,
/// the difference quotient mixes two slopes and does not estimate the gradient. The checker
/// records which rectifier outputs are positive and skips a coordinate whose perturbation
/// changes that pattern; the report counts the skipped coordinates so a test can bound them.
struct GradientChecker {
  var epsilon: Float = 1e-2
  var relativeTolerance = 1e-2
  var absoluteTolerance = 1e-3
  var coordinatesPerTensor = 40
  var seed: UInt64 = 7

  struct Failure: CustomStringConvertible {
    var tensor: String
    var index: Int
    var analytic: Double
    var numeric: Double

    var description: String { "\(tensor)[\(index)]: analytic \(analytic), numeric \(numeric)" }
  }

  struct Report: CustomStringConvertible {
    var checkedCoordinates = 0
    var skippedCoordinates = 0
    var failures: [Failure] = []
    var worstRelativeError = 0.0

    var description: String {
      "\(checkedCoordinates) coordinates (\(skippedCoordinates) skipped at a rectifier kink), "
        + "\(failures.count) failures, worst relative error "
        + "\(worstRelativeError)" + (failures.isEmpty ? "" : "; first: \(failures[0])")
    }
  }

  /// Checks the input gradient and every parameter gradient of `network` at `input`.
  func check(_ network: Network, input: Tensor, checkInput: Bool = true) -> Report {
    let output = network.forward(input)
    let projection = randomTensor(output.shape, seed: seed, sample: 99)

    network.zeroGradients()
    network.backward(outputGradient: projection, computeInputGradient: checkInput)
    let parameterGradients = network.gradients.values
    let inputGradient = checkInput ? network.inputGradient.values : []

    func loss() -> (value: Double, pattern: UInt64) {
      let y = network.forward(input)
      var total = 0.0
      for i in 0..<y.count { total += Double(projection[i]) * Double(y[i]) }
      return (total, rectifierPattern(network))
    }
    let basePattern = rectifierPattern(network)

    var report = Report()
    func checkTensor(name: String, values: Tensor, range: Range<Int>, analytic: ArraySlice<Float>) {
      let scale =
        (analytic.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(analytic.count, 1)))
        .squareRoot()
      for index in coordinates(count: range.count, salt: name.hashValueStable) {
        let position = range.lowerBound + index
        let original = values[position]
        values[position] = original + epsilon
        let plus = loss()
        values[position] = original - epsilon
        let minus = loss()
        values[position] = original

        if plus.pattern != basePattern || minus.pattern != basePattern {
          report.skippedCoordinates += 1
          continue
        }

        let numeric = (plus.value - minus.value) / (2 * Double(epsilon))
        let exact = Double(analytic[analytic.startIndex + index])
        let difference = abs(exact - numeric)
        let allowed = relativeTolerance * max(abs(exact), abs(numeric)) + absoluteTolerance * scale
        report.checkedCoordinates += 1
        report.worstRelativeError = max(
          report.worstRelativeError, difference / max(abs(exact), abs(numeric), 1e-30))
        if !(difference <= allowed) {
          report.failures.append(
            Failure(tensor: name, index: index, analytic: exact, numeric: numeric))
        }
      }
    }

    if checkInput {
      checkTensor(
        name: "input", values: input, range: 0..<input.count, analytic: inputGradient[...])
    }
    for entry in network.parameterEntries {
      checkTensor(
        name: entry.name, values: network.parameters, range: entry.range,
        analytic: parameterGradients[entry.range])
    }

    // Leave the network as the analytic pass left it.
    network.forward(input)
    return report
  }

  /// Returns a hash of which outputs of the network's rectifier layers are positive.
  private func rectifierPattern(_ network: Network) -> UInt64 {
    var hash: UInt64 = 14_695_981_039_346_656_037
    for (index, layer) in network.layers.enumerated() where layer is ReLU || layer is LeakyReLU {
      let output = network.layerOutput(index)
      for i in 0..<output.count where output[i] > 0 {
        hash = (hash ^ UInt64(index << 32 | i)) &* 1_099_511_628_211
      }
    }
    return hash
  }

  /// Returns every index when the tensor is small, else a fixed pseudo-random subset.
  private func coordinates(count: Int, salt: Int) -> [Int] {
    if count <= coordinatesPerTensor { return Array(0..<count) }
    var generator = CounterRandomGenerator(
      random: CounterRandom(seed: seed), purpose: RandomPurpose(rawValue: 103), step: 0,
      sample: salt)
    return (0..<coordinatesPerTensor).map { _ in Int.random(in: 0..<count, using: &generator) }
  }
}

extension String {
  /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
  var hashValueStable: Int {
    var hash: UInt32 = 2_166_136_261
    for byte in utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
    return Int(hash)
  }
}
