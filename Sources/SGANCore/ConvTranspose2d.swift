/// A 2-D transposed convolution with a square kernel, as PyTorch's `nn.ConvTranspose2d`
/// (no output padding, dilation or groups).
///
/// Letters: N batch, C input channels, O output channels, K kernel size, H and W input size,
/// OH and OW output size with `OH = (H - 1) * stride - 2 * padding + K`, Q = H * W.
///
/// The layer is the adjoint of a convolution from `[O, OH, OW]` to `[C, H, W]`, so the roles
/// of im2col and col2im swap. For a group of G samples, with the inputs side by side in
/// `X [C, G * Q]`: `cols [O * K * K, G * Q] = weight^T * X`, and col2im of each sample's
/// columns adds them into its output image.
public final class ConvTranspose2d: InputGradientOnlyBackward {
  /// Number of input channels, C.
  public let inputChannels: Int

  /// Number of output channels, O.
  public let outputChannels: Int

  /// Side of the square kernel, K.
  public let kernelSize: Int

  /// Upsampling step in both directions.
  public let stride: Int

  /// Rows and columns removed from each side of the full output, as in PyTorch.
  public let padding: Int

  /// Whether the layer adds a per-channel bias.
  public let hasBias: Bool

  var weight: Tensor?  // [C, O, K, K], read as the matrix [C, O * K * K]
  var bias: Tensor?  // [O]
  var weightGradient: Tensor?  // [C, O, K, K]
  var biasGradient: Tensor?  // [O]

  /// Creates an unbound transposed convolution.
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    bias: Bool = true
  ) {
    precondition(inputChannels > 0 && outputChannels > 0, "channel counts must be positive")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.hasBias = bias
  }

  public var description: String {
    "ConvTranspose2d(\(inputChannels)→\(outputChannels), k\(kernelSize) s\(stride) p\(padding)"
      + "\(hasBias ? "" : ", no bias"))"
  }

  /// `weight [C, O, K, K]` (PyTorch's transposed layout), then `bias [O]` when present.
  public var parameterDeclarations: [ParameterDeclaration] {
    var declarations = [
      ParameterDeclaration(
        name: "weight", dimensions: [inputChannels, outputChannels, kernelSize, kernelSize],
        role: .weight)
    ]
    if hasBias {
      declarations.append(
        ParameterDeclaration(name: "bias", dimensions: [outputChannels], role: .bias))
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
    ConvTranspose2d(
      inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
      stride: stride, padding: padding, bias: hasBias)
  }

  public func outputShape(for inputShape: TensorShape) -> TensorShape {
    precondition(
      inputShape.channels == inputChannels,
      "\(self) expects \(inputChannels) input channels, got shape \(inputShape)")
    let height = (inputShape.height - 1) * stride - 2 * padding + kernelSize
    let width = (inputShape.width - 1) * stride - 2 * padding + kernelSize
    precondition(height > 0 && width > 0, "\(self) gives an empty output for input \(inputShape)")
    return TensorShape(inputShape.batch, outputChannels, height, width)
  }

  /// Returns the convolution geometry whose image is this layer's output and whose grid is its
  /// input.
  func geometry(for inputShape: TensorShape) -> ConvolutionGeometry {
    let output = outputShape(for: inputShape)
    let grid = ConvolutionGeometry(
      channels: outputChannels, height: output.height, width: output.width,
      kernel: kernelSize, stride: stride, padding: padding)
    precondition(grid.gridHeight == inputShape.height && grid.gridWidth == inputShape.width)
    return grid
  }

  /// Returns whether the input is a single unpadded position, as in DCGAN's first generator
  /// layer. Each sample's output is then one row of `X [N, C] * weight [C, O * K * K]`, a
  /// dense product without col2im.
  func isFullyConnected(_ inputShape: TensorShape) -> Bool {
    padding == 0 && inputShape.height == 1 && inputShape.width == 1
  }

  /// Column matrix `[O * K * K, G * Q]` plus one `[C, G * Q]` staging matrix.
  public func scratchCount(forInput inputShape: TensorShape) -> Int {
    let grid = geometry(for: inputShape)
    if isFullyConnected(inputShape) { return 0 }
    let group = samplesPerGroup(columnsPerSample: grid.gridCount, maxBatch: inputShape.batch)
    return (grid.columnRows + inputChannels) * group * grid.gridCount
  }

  /// Computes `output [N, O, OH, OW]` from `input [N, C, H, W]`. Saves nothing.
  public func forward(_ input: Tensor, into output: Tensor, workspace: Workspace) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let grid = geometry(for: input.shape)
    precondition(output.shape == outputShape(for: input.shape), "output shape mismatch in \(self)")

    let (C, Q, rows) = (inputChannels, grid.gridCount, grid.columnRows)
    if isFullyConnected(input.shape) {
      workspace.gemm(
        transposeA: false, transposeB: false, m: input.shape.batch, n: rows, k: C,
        a: input.pointer, lda: C, b: weight.pointer, ldb: rows, beta: 0, c: output.pointer,
        ldc: rows)
      if let bias { addChannelBias(bias.pointer, to: output) }
      return
    }

    let group = samplesPerGroup(columnsPerSample: Q, maxBatch: input.shape.batch)
    let columns = workspace.scratch  // [O * K * K, G * Q]
    let staging = columns + rows * group * Q  // [C, G * Q]

    output.fill(0)
    for first in Swift.stride(from: 0, to: input.shape.batch, by: group) {
      let samples = min(group, input.shape.batch - first)
      let width = samples * Q

      let sampleInput = input.pointer + first * C * Q
      let x: UnsafeMutablePointer<Float>
      if samples == 1 {
        x = sampleInput
      } else {
        gatherSamples(sampleInput, samples: samples, rows: C, columns: Q, into: staging)
        x = staging
      }

      workspace.gemm(
        transposeA: true, transposeB: false, m: rows, n: width, k: C,
        a: weight.pointer, lda: rows, b: x, ldb: width, beta: 0, c: columns, ldc: width)
      grid.addColumnsToImages(
        columns, samples: samples, into: output.pointer + first * grid.imageCount)
    }

    if let bias { addChannelBias(bias.pointer, to: output) }
  }

  /// Accumulates `dW += X * cols(dY)^T` and `db += sum of dY`, and when requested overwrites
  /// `inputGradient` with `W * cols(dY)`, where `cols(dY)` is im2col of `dY [N, O, OH, OW]`.
  public func backward(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor?,
    workspace: Workspace
  ) {
    guard let weightGradient else {
      preconditionFailure("\(self) used before its parameters were bound")
    }
    if let biasGradient { addChannelSums(of: outputGradient, to: biasGradient.pointer) }
    backward(
      outputGradient: outputGradient, input: input, into: inputGradient,
      weightGradient: weightGradient.pointer, workspace: workspace)
  }

  /// Overwrites `inputGradient` with `W * cols(dY)` and leaves the parameter gradients
  /// untouched.
  public func backwardInputOnly(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor,
    workspace: Workspace
  ) {
    backward(
      outputGradient: outputGradient, input: input, into: inputGradient, weightGradient: nil,
      workspace: workspace)
  }

  /// Runs the backward products group by group: `dW += X * cols(dY)^T` when
  /// `weightGradient` is given, and `inputGradient = W * cols(dY)` when requested.
  private func backward(
    outputGradient: Tensor, input: Tensor, into inputGradient: Tensor?,
    weightGradient: UnsafeMutablePointer<Float>?, workspace: Workspace
  ) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let grid = geometry(for: input.shape)
    let (C, Q, rows) = (inputChannels, grid.gridCount, grid.columnRows)
    let group = samplesPerGroup(columnsPerSample: Q, maxBatch: input.shape.batch)
    let columns = workspace.scratch  // [O * K * K, G * Q]
    let staging = columns + rows * group * Q  // [C, G * Q]

    if isFullyConnected(input.shape) {
      backwardFullyConnected(
        outputGradient: outputGradient, input: input, into: inputGradient,
        weightGradient: weightGradient, workspace: workspace)
      return
    }

    for first in Swift.stride(from: 0, to: input.shape.batch, by: group) {
      let samples = min(group, input.shape.batch - first)
      let width = samples * Q

      grid.imagesToColumns(
        outputGradient.pointer + first * grid.imageCount, samples: samples, into: columns)

      if let weightGradient {
        let sampleInput = input.pointer + first * C * Q
        let x: UnsafeMutablePointer<Float>
        if samples == 1 {
          x = sampleInput
        } else {
          gatherSamples(sampleInput, samples: samples, rows: C, columns: Q, into: staging)
          x = staging
        }
        workspace.gemm(
          transposeA: false, transposeB: true, m: C, n: rows, k: width,
          a: x, lda: width, b: columns, ldb: width, beta: 1, c: weightGradient, ldc: rows)
      }

      guard let inputGradient else { continue }
      let sampleInputGradient = inputGradient.pointer + first * C * Q
      let dX = samples == 1 ? sampleInputGradient : staging
      workspace.gemm(
        transposeA: false, transposeB: false, m: C, n: width, k: rows,
        a: weight.pointer, lda: rows, b: columns, ldb: width, beta: 0, c: dX, ldc: width)
      if samples > 1 {
        scatterSamples(staging, samples: samples, rows: C, columns: Q, into: sampleInputGradient)
      }
    }
  }
}

extension ConvTranspose2d {
  /// Runs the backward pass of a fully connected transposed convolution:
  /// `dW [C, O * K * K] += Xᵀ * dY` when `weightGradient` is given, and
  /// `dX [N, C] = dY [N, O * K * K] * Wᵀ` when requested.
  private func backwardFullyConnected(
    outputGradient: Tensor, input: Tensor, into inputGradient: Tensor?,
    weightGradient: UnsafeMutablePointer<Float>?, workspace: Workspace
  ) {
    guard let weight else { return }
    let (N, C, rows) = (input.shape.batch, inputChannels, outputGradient.shape.sampleCount)
    if let weightGradient {
      workspace.gemm(
        transposeA: true, transposeB: false, m: C, n: rows, k: N,
        a: input.pointer, lda: C, b: outputGradient.pointer, ldb: rows,
        beta: 1, c: weightGradient, ldc: rows)
    }

    guard let inputGradient else { return }
    workspace.gemm(
      transposeA: false, transposeB: true, m: N, n: C, k: rows,
      a: outputGradient.pointer, lda: rows, b: weight.pointer, ldb: rows,
      beta: 0, c: inputGradient.pointer, ldc: C)
  }
}
