import Foundation
import Testing

@testable import SGANCore

@Suite struct AdamTests {
  @Test func twoStepsMatchHandComputation() {
    let adam = Adam(parameterCount: 1, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    let parameters = Tensor(shape: TensorShape(flat: 1), values: [1])

    // Float32 state: 1 - beta2 = 1 - Float(0.999) is off by 1.3e-5 relative, which bounds the
    // agreement of v; the other values agree to a few units in the last place.
    // Step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, p = 1 - 0.1·0.5 / (0.5 + 1e-8).
    adam.step(parameters: parameters, gradients: Tensor(shape: TensorShape(flat: 1), values: [0.5]))
    let afterFirst = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
    #expect(abs(Double(parameters[0]) - afterFirst) < 1e-6)
    #expect(abs(Double(adam.firstMoments[0]) - 0.05) < 0.05 * 1e-6)
    #expect(abs(Double(adam.secondMoments[0]) - 0.00025) < 0.00025 * 1e-4)

    // Step 2, g = -0.25: m = 0.045 - 0.025, v = 0.999·0.00025 + 0.001·0.0625.
    adam.step(
      parameters: parameters, gradients: Tensor(shape: TensorShape(flat: 1), values: [-0.25]))
    let m = 0.9 * 0.05 + 0.1 * -0.25
    let v = 0.999 * 0.00025 + 0.001 * 0.0625
    let stepSize = 0.1 / (1 - 0.9 * 0.9)
    let denominator = v.squareRoot() / (1 - 0.999 * 0.999).squareRoot() + 1e-8
    #expect(abs(Double(parameters[0]) - (afterFirst - stepSize * m / denominator)) < 1e-6)
    #expect(adam.stepCount == 2)
  }

  @Test func rangeUpdatesMatchWholeUpdate() {
    let count = 37
    let whole = Adam(parameterCount: count, learningRate: 0.01)
    let split = Adam(parameterCount: count, learningRate: 0.01)
    let wholeParameters = randomTensor(TensorShape(flat: count), seed: 30)
    let splitParameters = Tensor(shape: wholeParameters.shape, values: wholeParameters.values)

    for step in 0..<3 {
      let gradients = randomTensor(TensorShape(flat: count), seed: 31, sample: step)
      whole.step(parameters: wholeParameters, gradients: gradients)
      split.beginStep()
      for range in [20..<37, 0..<7, 7..<20] {
        split.update(parameters: splitParameters, gradients: gradients, range: range)
      }
    }
    #expect(splitParameters.values == wholeParameters.values)
  }

  @Test func restoredStateContinuesIdentically() {
    let count = 11
    let original = Adam(parameterCount: count, learningRate: 0.01)
    let parameters = randomTensor(TensorShape(flat: count), seed: 32)
    original.step(parameters: parameters, gradients: randomTensor(parameters.shape, seed: 33))

    let restored = Adam(parameterCount: count, learningRate: 0.01)
    restored.restore(
      stepCount: original.stepCount, firstMoments: original.firstMoments.values,
      secondMoments: original.secondMoments.values)
    let copy = Tensor(shape: parameters.shape, values: parameters.values)

    let gradients = randomTensor(parameters.shape, seed: 34)
    original.step(parameters: parameters, gradients: gradients)
    restored.step(parameters: copy, gradients: gradients)
    #expect(copy.values == parameters.values)
    #expect(restored.stepCount == 2)
  }
}
