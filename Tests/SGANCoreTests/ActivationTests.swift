import Foundation
import Testing

@testable import SGANCore

@Suite struct ActivationTests {
  /// Runs `layer` forward on `values` and returns the outputs.
  func apply(_ layer: any Layer, to values: [Float]) -> [Float] {
    let input = Tensor(shape: TensorShape(values.count, 1, 1, 1), values: values)
    let output = Tensor(shape: input.shape)
    layer.forward(input, into: output, workspace: Workspace(scratchCount: 0))
    return output.values
  }

  @Test func tanhMatchesLibraryWithinFewUlps() {
    // Every 9e-5 from -9 to 9, which crosses the switch from series to exponential at 1/8.
    let inputs = (0...200_000).map { -9 + Float($0) * 9e-5 }
    let outputs = apply(Tanh(), to: inputs)

    var worst = 0.0
    for (x, y) in zip(inputs, outputs) {
      let exact = Foundation.tanh(Double(x))
      worst = max(worst, abs(Double(y) - exact) / max(abs(exact), 1e-30))
    }
    // 4 units in the last place of a Float near 1 are 4·2⁻²³ ≈ 4.8e-7.
    #expect(worst < 4.8e-7)
  }

  @Test func tanhIsOddAndSaturates() {
    let inputs: [Float] = [0, 1e-30, 0.125, 3, 50, -50]
    let outputs = apply(Tanh(), to: inputs)
    let negated = apply(Tanh(), to: inputs.map { -$0 })

    #expect(outputs[0] == 0)
    #expect(outputs[1] == 1e-30)
    #expect(outputs[4] == 1)
    #expect(outputs[5] == -1)
    #expect(zip(outputs, negated).allSatisfy { $0 == -$1 })
  }

  @Test func sigmoidMatchesLibrary() {
    let inputs = (0...2_000).map { -20 + Float($0) * 0.02 }
    let outputs = apply(Sigmoid(), to: inputs)
    let mismatch = firstMismatch(
      outputs, inputs.map { 1 / (1 + Foundation.exp(-Double($0))) }, tolerance: 1e-6, floor: 1e-30)
    #expect(mismatch == nil, "\(mismatch!)")
  }
}
