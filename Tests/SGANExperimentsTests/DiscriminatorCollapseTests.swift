import Foundation
import SGANCore
import Testing

@testable import SGANExperiments

@Suite struct DiscriminatorCollapseTests {
  let criterion = DiscriminatorCollapse(threshold: 0.05, consecutive: 3)

  @Test func lowerBoundsMatchTheLosses() {
    #expect(DiscriminatorCollapse.lowerBound(loss: .gan, realCount: 64) == 0)
    #expect(DiscriminatorCollapse.lowerBound(loss: .softmax, realCount: 64) == log(64.0))
  }

  @Test func reportsFirstStepOfLongRun() {
    let losses = [1.0, 0.01, 0.02, 0.5, 0.01, 0.02, 0.03, 0.04]
    let step = criterion.collapseStep(
      steps: Array(stride(from: 10, through: 80, by: 10)), discriminatorLosses: losses,
      lowerBound: 0)
    #expect(step == 50)
  }

  @Test func shortDipsDoNotCount() {
    let losses = [1.0, 0.01, 0.02, 0.5, 0.01, 0.02, 0.6]
    let step = criterion.collapseStep(
      steps: Array(1...7), discriminatorLosses: losses, lowerBound: 0)
    #expect(step == nil)
  }

  @Test func softmaxCollapseIsMeasuredFromLogN() {
    let bound = log(64.0)
    let losses = [bound + 1, bound + 0.01, bound + 0.01, bound + 0.01]
    let step = criterion.collapseStep(
      steps: Array(1...4), discriminatorLosses: losses, lowerBound: bound)
    #expect(step == 2)
  }

  @Test func nonFiniteLossesCountAsCollapsed() {
    let step = criterion.collapseStep(
      steps: Array(1...4), discriminatorLosses: [1, .nan, .nan, .nan], lowerBound: 0)
    #expect(step == 2)
  }

  @Test func crossEntropyOfUniformLogitsIsLogK() {
    let logits = Tensor(shape: TensorShape(2, 10, 1, 1))
    let gradient = Tensor(shape: TensorShape(2, 10, 1, 1))
    let loss = FashionClassifier.crossEntropy(logits: logits, labels: [3, 7], gradient: gradient)
    #expect(abs(loss - log(10.0)) < 1e-9)
    // (softmax - onehot) / N: 0.1/2 off the label, (0.1 - 1)/2 on it.
    #expect(abs(gradient[0] - 0.05) < 1e-7)
    #expect(abs(gradient[3] - -0.45) < 1e-7)
  }

  @Test func crossEntropyGradientMatchesFiniteDifferences() {
    let values: [Float] = [0.3, -1.2, 2.0, 0.1, 0.5, 0.5, -0.4, 1.1]
    let logits = Tensor(shape: TensorShape(2, 4, 1, 1), values: values)
    let gradient = Tensor(shape: TensorShape(2, 4, 1, 1))
    let scratch = Tensor(shape: TensorShape(2, 4, 1, 1))
    _ = FashionClassifier.crossEntropy(logits: logits, labels: [2, 0], gradient: gradient)
    let h: Float = 1e-2
    for i in 0..<values.count {
      var plus = values
      var minus = values
      plus[i] += h
      minus[i] -= h
      let up = FashionClassifier.crossEntropy(
        logits: Tensor(shape: logits.shape, values: plus), labels: [2, 0], gradient: scratch)
      let down = FashionClassifier.crossEntropy(
        logits: Tensor(shape: logits.shape, values: minus), labels: [2, 0], gradient: scratch)
      let numeric = (up - down) / Double(2 * h)
      #expect(abs(numeric - Double(gradient[i])) < 1e-3, "logit \(i)")
    }
  }
}
