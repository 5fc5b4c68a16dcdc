import Foundation
import Testing

@testable import SGANCore

/// Energies of the worked example: 4 real [0, 1, 2, 3] and 4 generated [-1, 0, 1, 2].
private let realValues: [Float] = [0, 1, 2, 3]
private let generatedValues: [Float] = [-1, 0, 1, 2]

private func energies(_ values: [Float], shift: Float = 0) -> Tensor {
  Tensor(shape: TensorShape(values.count, 1, 1, 1), values: values.map { $0 + shift })
}

/// Z_B of the worked example by hand: exp(-mu) summed over both halves.
private let handPartition =
  (exp(0.0) + exp(-1.0) + exp(-2.0) + exp(-3.0)) + (exp(1.0) + exp(0.0) + exp(-1.0) + exp(-2.0))

@Suite struct SoftmaxGANLossTests {
  @Test func discriminatorLossMatchesHandComputation() {
    let (realGradient, generatedGradient) = (energies([0, 0, 0, 0]), energies([0, 0, 0, 0]))
    let loss = SoftmaxGANLoss.discriminatorLoss(
      realEnergies: energies(realValues), generatedEnergies: energies(generatedValues),
      realGradient: realGradient, generatedGradient: generatedGradient)

    // L_D = (0 + 1 + 2 + 3) / 4 + ln Z_B; ln Z_B = ln 5.77449834... = 1.75345138...
    #expect(abs(loss - (1.5 + log(handPartition))) < 1e-12)
    #expect(abs(loss - 3.2534513860794183) < 1e-12)

    let expectedReal = realValues.map { 0.25 - exp(-Double($0)) / handPartition }
    let expectedGenerated = generatedValues.map { -exp(-Double($0)) / handPartition }
    let realMismatch = firstMismatch(realGradient.values, expectedReal, tolerance: 1e-7)
    let generatedMismatch = firstMismatch(
      generatedGradient.values, expectedGenerated, tolerance: 1e-7)
    #expect(realMismatch == nil, "\(realMismatch!)")
    #expect(generatedMismatch == nil, "\(generatedMismatch!)")
  }

  @Test func generatorLossMatchesHandComputation() {
    let (realGradient, generatedGradient) = (energies([0, 0, 0, 0]), energies([0, 0, 0, 0]))
    let loss = SoftmaxGANLoss.generatorLoss(
      realEnergies: energies(realValues), generatedEnergies: energies(generatedValues),
      realGradient: realGradient, generatedGradient: generatedGradient)

    // L_G = (6 + 2) / 8 + ln Z_B.
    #expect(abs(loss - (1 + log(handPartition))) < 1e-12)

    let expectedReal = realValues.map { 0.125 - exp(-Double($0)) / handPartition }
    let expectedGenerated = generatedValues.map { 0.125 - exp(-Double($0)) / handPartition }
    let realMismatch = firstMismatch(realGradient.values, expectedReal, tolerance: 1e-7)
    let generatedMismatch = firstMismatch(
      generatedGradient.values, expectedGenerated, tolerance: 1e-7)
    #expect(realMismatch == nil, "\(realMismatch!)")
    #expect(generatedMismatch == nil, "\(generatedMismatch!)")
  }

  @Test(arguments: [Float(200), -200])
  func lossesUnchangedByEnergyShift(shift: Float) {
    func losses(_ shift: Float) -> (Double, Double, [Float]) {
      let (realGradient, generatedGradient) = (energies([0, 0, 0, 0]), energies([0, 0, 0, 0]))
      let discriminator = SoftmaxGANLoss.discriminatorLoss(
        realEnergies: energies(realValues, shift: shift),
        generatedEnergies: energies(generatedValues, shift: shift),
        realGradient: realGradient, generatedGradient: generatedGradient)
      let generator = SoftmaxGANLoss.generatorLoss(
        realEnergies: energies(realValues, shift: shift),
        generatedEnergies: energies(generatedValues, shift: shift),
        realGradient: energies([0, 0, 0, 0]), generatedGradient: energies([0, 0, 0, 0]))
      return (discriminator, generator, realGradient.values + generatedGradient.values)
    }

    let (baseDiscriminator, baseGenerator, baseGradient) = losses(0)
    let (shiftedDiscriminator, shiftedGenerator, shiftedGradient) = losses(shift)
    #expect(shiftedDiscriminator.isFinite)
    #expect(abs(shiftedDiscriminator - baseDiscriminator) < 1e-9)
    #expect(abs(shiftedGenerator - baseGenerator) < 1e-9)
    let mismatch = firstMismatch(shiftedGradient, baseGradient, tolerance: 1e-7)
    #expect(mismatch == nil, "\(mismatch!)")
  }

  @Test func discriminatorGradientSumsToZero() {
    let (realGradient, generatedGradient) = (
      Tensor(shape: TensorShape(5, 1, 1, 1)), Tensor(shape: TensorShape(3, 1, 1, 1))
    )
    SoftmaxGANLoss.discriminatorLoss(
      realEnergies: randomTensor(realGradient.shape, seed: 20, standardDeviation: 3),
      generatedEnergies: randomTensor(generatedGradient.shape, seed: 21, standardDeviation: 3),
      realGradient: realGradient, generatedGradient: generatedGradient)

    // Σ ([x∈B+]/N - p(x)) = 1 - Σ p = 0, with N = 5 and M = 3 here.
    let total = (realGradient.values + generatedGradient.values).reduce(0.0) { $0 + Double($1) }
    #expect(abs(total) < 1e-6)
  }

  @Test func lossGradientsMatchFiniteDifferences() {
    let real = randomTensor(TensorShape(3, 1, 1, 1), seed: 22)
    let generated = randomTensor(TensorShape(4, 1, 1, 1), seed: 23)
    let (realGradient, generatedGradient) = (
      Tensor(shape: real.shape), Tensor(shape: generated.shape)
    )
    let scratch = (Tensor(shape: real.shape), Tensor(shape: generated.shape))

    typealias LossFunction = (Tensor, Tensor, Tensor, Tensor) -> Double
    let functions: [(String, LossFunction)] = [
      (
        "softmax D",
        {
          SoftmaxGANLoss.discriminatorLoss(
            realEnergies: $0, generatedEnergies: $1, realGradient: $2, generatedGradient: $3)
        }
      ),
      (
        "softmax G",
        {
          SoftmaxGANLoss.generatorLoss(
            realEnergies: $0, generatedEnergies: $1, realGradient: $2, generatedGradient: $3)
        }
      ),
      (
        "standard D",
        {
          StandardGANLoss.discriminatorLoss(
            realEnergies: $0, generatedEnergies: $1, realGradient: $2, generatedGradient: $3)
        }
      ),
    ]
    for (name, loss) in functions {
      _ = loss(real, generated, realGradient, generatedGradient)
      for (tensor, gradient) in [(real, realGradient), (generated, generatedGradient)] {
        for i in 0..<tensor.count {
          let original = tensor[i]
          let step: Float = 1e-2
          tensor[i] = original + step
          let plus = loss(real, generated, scratch.0, scratch.1)
          tensor[i] = original - step
          let minus = loss(real, generated, scratch.0, scratch.1)
          tensor[i] = original
          let numeric = (plus - minus) / (2 * Double(step))
          #expect(abs(numeric - Double(gradient[i])) < 1e-4, "\(name) energy \(i)")
        }
      }
    }
  }
}

@Suite struct LogSumExpPartialTests {
  static let splits: [[Int]] = [
    [8], [4, 4], [1, 7], [0, 8], [3, 0, 5], [2, 2, 2, 2], [0, 0, 8, 0],
  ]

  @Test(arguments: splits)
  func shardedPartialsGiveSameLogPartition(split: [Int]) {
    let values = realValues + generatedValues
    let whole = LogSumExpPartial(energies: energies(values)).logSum

    var partials: [LogSumExpPartial] = []
    var start = 0
    for size in split {
      partials.append(LogSumExpPartial(energies: energies(Array(values[start..<start + size]))))
      start += size
    }
    let leftFold = partials.reduce(LogSumExpPartial.empty) { $0.combined(with: $1) }
    let rightFold = partials.reversed().reduce(LogSumExpPartial.empty) { $1.combined(with: $0) }

    #expect(abs(whole - log(handPartition)) < 1e-12)
    #expect(abs(leftFold.logSum - whole) < 1e-12)
    #expect(abs(rightFold.logSum - whole) < 1e-12)
  }

  @Test func emptyShardIsIdentity() {
    let partial = LogSumExpPartial(energies: energies(generatedValues))
    let empty = LogSumExpPartial(energies: Tensor(shape: TensorShape(0, 1, 1, 1)))

    #expect(empty == LogSumExpPartial.empty)
    #expect(empty.maximum == -Double.infinity)
    #expect(empty.scaledSum == 0)
    #expect(empty.combined(with: partial) == partial)
    #expect(partial.combined(with: empty) == partial)
    #expect(empty.combined(with: empty) == LogSumExpPartial.empty)
  }

  @Test func partialsStayFiniteForLargeEnergies() {
    // exp(1000) overflows Float64; the shifted form never evaluates it.
    let partial = LogSumExpPartial(energies: energies([-1000, -999]))
    #expect(abs(partial.logSum - (1000 + log(1 + exp(-1.0)))) < 1e-9)
  }
}

@Suite struct StandardGANLossTests {
  /// ln(1 + exp(t)) evaluated directly, fine for the small energies used here.
  func softplus(_ t: Double) -> Double { log(1 + exp(t)) }
  func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }

  @Test func discriminatorLossMatchesHandComputation() {
    let (realGradient, generatedGradient) = (energies([0, 0, 0, 0]), energies([0, 0, 0, 0]))
    let loss = StandardGANLoss.discriminatorLoss(
      realEnergies: energies(realValues), generatedEnergies: energies(generatedValues),
      realGradient: realGradient, generatedGradient: generatedGradient)

    // D(x) = sigmoid(-mu): -ln D = softplus(mu) on real, -ln(1 - D) = softplus(-mu) on generated.
    let expected =
      realValues.map { softplus(Double($0)) }.reduce(0, +) / 4
      + generatedValues.map { softplus(-Double($0)) }.reduce(0, +) / 4
    #expect(abs(loss - expected) < 1e-12)

    let realMismatch = firstMismatch(
      realGradient.values, realValues.map { sigmoid(Double($0)) / 4 }, tolerance: 1e-7)
    let generatedMismatch = firstMismatch(
      generatedGradient.values, generatedValues.map { -sigmoid(-Double($0)) / 4 }, tolerance: 1e-7)
    #expect(realMismatch == nil, "\(realMismatch!)")
    #expect(generatedMismatch == nil, "\(generatedMismatch!)")
  }

  @Test func generatorLossMatchesHandComputation() {
    let gradient = energies([0, 0, 0, 0])
    let loss = StandardGANLoss.generatorLoss(
      generatedEnergies: energies(generatedValues), generatedGradient: gradient)

    // Non-saturating: -ln D(G(z)) = softplus(mu), averaged over the generated half.
    let expected = generatedValues.map { softplus(Double($0)) }.reduce(0, +) / 4
    #expect(abs(loss - expected) < 1e-12)
    let mismatch = firstMismatch(
      gradient.values, generatedValues.map { sigmoid(Double($0)) / 4 }, tolerance: 1e-7)
    #expect(mismatch == nil, "\(mismatch!)")
  }

  @Test func lossStaysFiniteForExtremeEnergies() {
    let gradient = energies([0, 0])
    let loss = StandardGANLoss.generatorLoss(
      generatedEnergies: energies([800, -800]), generatedGradient: gradient)

    // softplus(800) = 800 to double precision, softplus(-800) underflows to 0.
    #expect(abs(loss - 400) < 1e-9)
    #expect(abs(gradient[0] - 0.5) < 1e-7)
    #expect(gradient[1] == 0)
  }
}
