/// A 2-D convolution with a square kernel, as PyTorch's `nn.Conv2d` (no dilation, no groups).
///
/// Letters: N batch, C input channels, O output channels, K kernel size, H and W input size,
/// OH and OW output size, `OH = (H + 2 * padding - K) / stride + 1`, P = OH * OW.
///
/// Each group of G samples is lowered to one GEMM: the column matrices of the G inputs sit side
/// by side in `cols [C * K * K, G * P]` and `Y [O, G * P] = weight [O, C * K * K] * cols`.
/// Grouping keeps the product wide for layers whose output grid is small.
public final class Conv2d: InputGradientOnlyBackward {
  /// Number of input channels, C.
  public let inputChannels: Int

  /// Number of output channels, O.
  public let outputChannels: Int

  /// Side of the square kernel, K.
  public let kernelSize: Int

  /// Step between kernel positions in both directions.
  public let stride: Int

  /// Zeros added on each side of the input in both directions.
  public let padding: Int

  /// Whether the layer adds a per-channel bias.
  public let hasBias: Bool

  var weight: Tensor?  // [O, C, K, K]
  var bias: Tensor?  // [O]
  var weightGradient: Tensor?  // [O, C, K, K]
  var biasGradient: Tensor?  // [O]

  /// Creates an unbound convolution.
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
    "Conv2d(\(inputChannels)→\(outputChannels), k\(kernelSize) s\(stride) p\(padding)"
      + "\(hasBias ? "" : ", no bias"))"
  }

  /// `weight [O, C, K, K]`, then `bias [O]` when present.
  public var parameterDeclarations: [ParameterDeclaration] {
    var declarations = [
      ParameterDeclaration(
        name: "weight", dimensions: [outputChannels, inputChannels, kernelSize, kernelSize],
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
    Conv2d(
      inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
      stride: stride, padding: padding, bias: hasBias)
  }

  func geometry(for inputShape: TensorShape) -> ConvolutionGeometry {
    precondition(
      inputShape.channels == inputChannels,
      "\(self) expects \(inputChannels) input channels, got shape \(inputShape)")
    return ConvolutionGeometry(
      channels: inputChannels, height: inputShape.height, width: inputShape.width,
      kernel: kernelSize, stride: stride, padding: padding)
  }

  public func outputShape(for inputShape: TensorShape) -> TensorShape {
    let grid = geometry(for: inputShape)
    return TensorShape(inputShape.batch, outputChannels, grid.gridHeight, grid.gridWidth)
  }

  /// Returns whether the kernel covers the whole unpadded input, as in DCGAN's last
  /// discriminator layer. The column matrix of a sample is then the sample itself, so the
  /// layer is a dense product `Y [N, O] = X [N, C * K * K] * weightᵀ` without im2col.
  func isFullyConnected(_ grid: ConvolutionGeometry) -> Bool {
    padding == 0 && kernelSize == grid.height && kernelSize == grid.width
  }

  /// Column matrix `[C * K * K, G * P]` plus one `[O, G * P]` staging matrix.
  public func scratchCount(forInput inputShape: TensorShape) -> Int {
    let grid = geometry(for: inputShape)
    if isFullyConnected(grid) { return 0 }
    let group = samplesPerGroup(columnsPerSample: grid.gridCount, maxBatch: inputShape.batch)
    return (grid.columnRows + outputChannels) * group * grid.gridCount
  }

  /// Computes `output [N, O, OH, OW]` from `input [N, C, H, W]`. Saves nothing: the backward
  /// pass rebuilds the column matrices from `input`.
  public func forward(_ input: Tensor, into output: Tensor, workspace: Workspace) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let grid = geometry(for: input.shape)
    precondition(output.shape == outputShape(for: input.shape), "output shape mismatch in \(self)")

    let (O, P, rows) = (outputChannels, grid.gridCount, grid.columnRows)
    if isFullyConnected(grid) {
      workspace.gemm(
        transposeA: false, transposeB: true, m: input.shape.batch, n: O, k: rows,
        a: input.pointer, lda: rows, b: weight.pointer, ldb: rows, beta: 0, c: output.pointer,
        ldc: O)
      if let bias { addChannelBias(bias.pointer, to: output) }
      return
    }

    let group = samplesPerGroup(columnsPerSample: P, maxBatch: input.shape.batch)
    let columns = workspace.scratch  // [C * K * K, G * P]
    let staging = columns + rows * group * P  // [O, G * P]

    for first in Swift.stride(from: 0, to: input.shape.batch, by: group) {
      let samples = min(group, input.shape.batch - first)
      let width = samples * P

      grid.imagesToColumns(
        input.pointer + first * grid.imageCount, samples: samples, into: columns)

      // A single sample's product lands in place; a group's needs unshuffling into [G, O, P].
      let sampleOutput = output.pointer + first * O * P
      let product = samples == 1 ? sampleOutput : staging
      workspace.gemm(
        transposeA: false, transposeB: false, m: O, n: width, k: rows,
        a: weight.pointer, lda: rows, b: columns, ldb: width, beta: 0, c: product, ldc: width)
      if samples > 1 {
        scatterSamples(staging, samples: samples, rows: O, columns: P, into: sampleOutput)
      }
    }

    if let bias { addChannelBias(bias.pointer, to: output) }
  }

  /// Accumulates `dW += dY * cols^T` and `db += sum of dY`, and when requested overwrites
  /// `inputGradient` with `col2im(W^T * dY)`. `dY` is `[N, O, OH, OW]`, `input` `[N, C, H, W]`.
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

  /// Overwrites `inputGradient` with `col2im(W^T * dY)` and leaves the parameter gradients
  /// untouched. Skips the im2col of the input, which only the weight gradient needs.
  public func backwardInputOnly(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor,
    workspace: Workspace
  ) {
    backward(
      outputGradient: outputGradient, input: input, into: inputGradient, weightGradient: nil,
      workspace: workspace)
  }

  /// Runs the backward products group by group: `dW += dY * cols^T` when `weightGradient` is
  /// given, and `inputGradient = col2im(W^T * dY)` when requested.
  private func backward(
    outputGradient: Tensor, input: Tensor, into inputGradient: Tensor?,
    weightGradient: UnsafeMutablePointer<Float>?, workspace: Workspace
  ) {
    guard let weight else { preconditionFailure("\(self) used before its parameters were bound") }
    let grid = geometry(for: input.shape)
    let (O, P, rows) = (outputChannels, grid.gridCount, grid.columnRows)
    let group = samplesPerGroup(columnsPerSample: P, maxBatch: input.shape.batch)
    let columns = workspace.scratch  // [C * K * K, G * P], later dcols
    let staging = columns + rows * group * P  // [O, G * P]

    if isFullyConnected(grid) {
      backwardFullyConnected(
        outputGradient: outputGradient, input: input, into: inputGradient,
        weightGradient: weightGradient, workspace: workspace)
      return
    }
    if let inputGradient { inputGradient.fill(0) }

    for first in Swift.stride(from: 0, to: input.shape.batch, by: group) {
      let samples = min(group, input.shape.batch - first)
      let width = samples * P

      // dY of the group as the matrix [O, G * P].
      let sampleGradient = outputGradient.pointer + first * O * P
      let dY: UnsafeMutablePointer<Float>
      if samples == 1 {
        dY = sampleGradient
      } else {
        gatherSamples(sampleGradient, samples: samples, rows: O, columns: P, into: staging)
        dY = staging
      }

      if let weightGradient {
        grid.imagesToColumns(
          input.pointer + first * grid.imageCount, samples: samples, into: columns)
        workspace.gemm(
          transposeA: false, transposeB: true, m: O, n: rows, k: width,
          a: dY, lda: width, b: columns, ldb: width, beta: 1, c: weightGradient, ldc: rows)
      }

      guard let inputGradient else { continue }
      workspace.gemm(
        transposeA: true, transposeB: false, m: rows, n: width, k: O,
        a: weight.pointer, lda: rows, b: dY, ldb: width, beta: 0, c: columns, ldc: width)
      grid.addColumnsToImages(
        columns, samples: samples, into: inputGradient.pointer + first * grid.imageCount)
    }
  }
}

extension Conv2d {
  /// Runs the backward pass of a fully connected convolution: `dW [O, C * K * K] += dYᵀ * X`
  /// when `weightGradient` is given, and `dX [N, C * K * K] = dY [N, O] * W` when requested.
  private func backwardFullyConnected(
    outputGradient: Tensor, input: Tensor, into inputGradient: Tensor?,
    weightGradient: UnsafeMutablePointer<Float>?, workspace: Workspace
  ) {
    guard let weight else { return }
    let (N, O, rows) = (input.shape.batch, outputChannels, input.shape.sampleCount)
    if let weightGradient {
      workspace.gemm(
        transposeA: true, transposeB: false, m: O, n: rows, k: N,
        a: outputGradient.pointer, lda: O, b: input.pointer, ldb: rows,
        beta: 1, c: weightGradient, ldc: rows)
    }

    guard let inputGradient else { return }
    workspace.gemm(
      transposeA: false, transposeB: false, m: N, n: rows, k: O,
      a: outputGradient.pointer, lda: O, b: weight.pointer, ldb: rows,
      beta: 0, c: inputGradient.pointer, ldc: rows)
  }
}

/// Adds `bias[c]` to every value of channel `c` of `tensor [N, C, H, W]`.
func addChannelBias(_ bias: UnsafePointer<Float>, to tensor: Tensor) {
  let (C, plane) = (tensor.shape.channels, tensor.shape.planeCount)
  for n in 0..<tensor.shape.batch {
    for c in 0..<C {
      let values = tensor.pointer + (n * C + c) * plane
      let b = bias[c]
      for i in 0..<plane { values[i] += b }
    }
  }
}

/// Adds the sum of channel `c` of `tensor [N, C, H, W]` to `sums[c]`, the bias gradient.
func addChannelSums(of tensor: Tensor, to sums: UnsafeMutablePointer<Float>) {
  let (C, plane) = (tensor.shape.channels, tensor.shape.planeCount)
  for c in 0..<C {
    var total: Float = 0
    for n in 0..<tensor.shape.batch {
      let values = tensor.pointer + (n * C + c) * plane
      for i in 0..<plane { total += values[i] }
    }
    sums[c] += total
  }
}
