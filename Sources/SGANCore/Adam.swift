#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Adam optimiser over a flat parameter buffer, with PyTorch's update and bias correction
/// (no weight decay, no AMSGrad).
///
/// For step t ≥ 1, gradient g, and each parameter p with moments m and v:
///
///     m = beta1·m + (1 - beta1)·g
///     v = beta2·v + (1 - beta2)·g²
///     p = p - (lr / (1 - beta1^t)) · m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
///
/// The update is element-wise, so disjoint index ranges can be updated by different threads:
/// call ``beginStep()`` once, then ``update(parameters:gradients:range:)`` for each range.
/// The whole state is ``stepCount`` and the two moment buffers, which a checkpoint saves and
/// ``restore(stepCount:firstMoments:secondMoments:)`` puts back.
public final class Adam {
  /// Step size, lr.
  public let learningRate: Float

  /// Decay of the first moment.
  public let beta1: Float

  /// Decay of the second moment.
  public let beta2: Float

  /// Added to the bias-corrected root of the second moment.
  public let epsilon: Float

  /// Number of parameters the optimiser covers.
  public let parameterCount: Int

  /// Number of steps begun, t.
  public private(set) var stepCount = 0

  /// First moments m, `[parameterCount, 1, 1, 1]`.
  public let firstMoments: Tensor

  /// Second moments v, `[parameterCount, 1, 1, 1]`.
  public let secondMoments: Tensor

  /// Creates an optimiser with zero moments. The defaults are DCGAN's (lr 2e-4, beta1 0.5).
  public init(
    parameterCount: Int, learningRate: Float = 2e-4, beta1: Float = 0.5, beta2: Float = 0.999,
    epsilon: Float = 1e-8
  ) {
    precondition(learningRate > 0, "learning rate must be positive, got \(learningRate)")
    precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must lie in [0, 1)")
    self.parameterCount = parameterCount
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    firstMoments = Tensor(shape: TensorShape(flat: parameterCount))
    secondMoments = Tensor(shape: TensorShape(flat: parameterCount))
  }

  /// Advances the step count t; call once per step before the range updates.
  public func beginStep() {
    stepCount += 1
  }

  /// Updates `parameters[range]` from `gradients[range]` with the current step count.
  /// Never allocates; safe to call concurrently for disjoint ranges.
  public func update(parameters: Tensor, gradients: Tensor, range: Range<Int>) {
    precondition(stepCount > 0, "call beginStep() before updating")
    precondition(
      parameters.count == parameterCount && gradients.count == parameterCount,
      "Adam over \(parameterCount) parameters got buffers of \(parameters.count) and "
        + "\(gradients.count)")
    precondition(
      range.lowerBound >= 0 && range.upperBound <= parameterCount,
      "range \(range) outside the parameters")

    // Bias corrections in Float64, as PyTorch computes them on the host.
    let t = Double(stepCount)
    let correction1 = 1 - pow(Double(beta1), t)
    let correction2 = 1 - pow(Double(beta2), t)
    let stepSize = Float(Double(learningRate) / correction1)
    let rootCorrection2 = Float(correction2.squareRoot())

    let (p, g, m, v) = (
      parameters.pointer, gradients.pointer, firstMoments.pointer, secondMoments.pointer
    )
    let (b1, b2, eps) = (beta1, beta2, epsilon)

    // Eight parameters per step with the scalar loop's operations in the same order, so both
    // give the same bits; the scalar loop finishes the range.
    typealias Vector = SIMD8<Float>
    var i = range.lowerBound
    while i + Vector.scalarCount <= range.upperBound {
      let gradient = load(g + i)
      let first = Vector(repeating: b1) * load(m + i) + Vector(repeating: 1 - b1) * gradient
      let second =
        Vector(repeating: b2) * load(v + i) + Vector(repeating: 1 - b2) * gradient * gradient
      let denominator = second.squareRoot() / Vector(repeating: rootCorrection2) + eps
      let step = Vector(repeating: stepSize) * first / denominator
      store(first, to: m + i)
      store(second, to: v + i)
      store(load(p + i) - step, to: p + i)
      i += Vector.scalarCount
    }
    while i < range.upperBound {
      m[i] = b1 * m[i] + (1 - b1) * g[i]
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
      let denominator = v[i].squareRoot() / rootCorrection2 + eps
      p[i] -= stepSize * m[i] / denominator
      i += 1
    }
  }

  @inline(__always)
  private func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  private func store(_ values: SIMD8<Float>, to pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: values, as: SIMD8<Float>.self)
  }

  /// Runs one whole step: ``beginStep()`` and an update over every parameter.
  public func step(parameters: Tensor, gradients: Tensor) {
    beginStep()
    update(parameters: parameters, gradients: gradients, range: 0..<parameterCount)
  }

  /// Replaces the state with one saved earlier. Both arrays must hold ``parameterCount`` values.
  public func restore(stepCount: Int, firstMoments: [Float], secondMoments: [Float]) {
    precondition(stepCount >= 0, "step count must be non-negative, got \(stepCount)")
    precondition(
      firstMoments.count == parameterCount && secondMoments.count == parameterCount,
      "Adam state for \(parameterCount) parameters got \(firstMoments.count) and "
        + "\(secondMoments.count) moments")
    self.stepCount = stepCount
    self.firstMoments.copy(from: Tensor(shape: self.firstMoments.shape, values: firstMoments))
    self.secondMoments.copy(from: Tensor(shape: self.secondMoments.shape, values: secondMoments))
  }
}
