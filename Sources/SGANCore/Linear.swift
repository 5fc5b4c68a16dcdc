/// A fully connected layer y = x·Wᵀ + b, as PyTorch's `nn.Linear`.
///
/// Letters: N batch, I input features (C·H·W of the input, flattened per sample), O output
/// features. The input `[N, C, H, W]` is read as the matrix `[N, I]`; the output is
/// `[N, O, 1, 1]`.
public final class Linear: InputGradientOnlyBackward {
  /// Number of input features, I.
  public let inputFeatures: Int

  /// Number of output features, O.
  public let outputFeatures: Int

  /// Whether the layer adds a bias.
  public let hasBias: Bool

  private var weight: Tensor?  // [O, I]
  private var bias: Tensor?  // [O]
  private var weightGradient: Tensor?  // [O, I]
  private var biasGradient: Tensor?  // [O]

  /// Creates an unbound linear layer.
  public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true) {
    precondition(inputFeatures > 0 && outputFeatures > 0, "feature counts must be positive")
    self.inputFeatures = inputFeatures
    self.outputFeatures = outputFeatures
    self.hasBias = bias
  }

  public var description: String {
    "Linear(\(inputFeatures), \(outputFeatures)\(hasBias ? "" : ", no bias"))"
  }

  /// `weight [O, I]`, then `bias [O]` when present.
  public var parameterDeclarations: [ParameterDeclaration] {
    var declarations = [
      ParameterDeclaration(
        name: "weight", dimensions: [outputFeatures, inputFeatures], role: .weight)
    ]
    if hasBias {
      declarations.append(
        ParameterDeclaration(name: "bias", dimensions: [outputFeatures], role: .bias))
    }
    return declarations
  }

  public func bind(parameters: [Tensor], gradients: [Tensor]) {
    precondition(parameters.count == (hasBias ? 2 : 1) && gradients.count == parameters.count)
    weight = parameters[0]
    weightGradient = gradients[0]
    bias = hasBias ? parameters[1] : nil
    biasGradient = hasBias ? gradients[1] : nil
  }

  public func makeUnboundCopy() -> any Layer {
    Linear(inputFeatures: inputFeatures, outputFeatures: outputFeatures, bias: hasBias)
  }

  public func outputShape(for inputShape: TensorShape) -> TensorShape {
    precondition(
      inputShape.sampleCount == inputFeatures,
      "\(self) expects \(inputFeatures) features per sample, got shape \(inputShape)")
    return TensorShape(inputShape.batch, outputFeatures, 1, 1)
  }

  /// Computes `output [N, O, 1, 1] = input [N, I] · Wᵀ + b`. Saves nothing.
  public func forward(_ input: Tensor, into output: Tensor, workspace: Workspace) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let (N, I, O) = (input.shape.batch, inputFeatures, outputFeatures)
    workspace.gemm(
      transposeA: false, transposeB: true, m: N, n: O, k: I,
      a: input.pointer, lda: I, b: weight.pointer, ldb: I, beta: 0, c: output.pointer, ldc: O)
    if let bias { addChannelBias(bias.pointer, to: output) }
  }

  /// Accumulates `dW += dYᵀ · X` and `db += Σ_n dY`, and when requested overwrites
  /// `inputGradient` with `dY · W`.
  public func backward(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor?,
    workspace: Workspace
  ) {
    guard let weightGradient else {
      preconditionFailure("\(self) used before its parameters were bound")
    }
    let (N, I, O) = (input.shape.batch, inputFeatures, outputFeatures)
    workspace.gemm(
      transposeA: true, transposeB: false, m: O, n: I, k: N,
      a: outputGradient.pointer, lda: O, b: input.pointer, ldb: I,
      beta: 1, c: weightGradient.pointer, ldc: I)
    if let biasGradient { addChannelSums(of: outputGradient, to: biasGradient.pointer) }

    guard let inputGradient else { return }
    backwardInputOnly(
      outputGradient: outputGradient, input: input, output: output, into: inputGradient,
      workspace: workspace)
  }

  /// Overwrites `inputGradient` with `dY · W` and leaves the parameter gradients untouched.
  public func backwardInputOnly(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor,
    workspace: Workspace
  ) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let (N, I, O) = (input.shape.batch, inputFeatures, outputFeatures)
    workspace.gemm(
      transposeA: false, transposeB: false, m: N, n: I, k: O,
      a: outputGradient.pointer, lda: O, b: weight.pointer, ldb: I,
      beta: 0, c: inputGradient.pointer, ldc: I)
  }
}
