/// Batch normalisation over `[N, C, H, W]` per channel, with PyTorch's `nn.BatchNorm2d`
/// semantics: eps 1e-5, momentum 0.1, biased variance for normalising and unbiased variance
/// for the running estimate.
///
/// Letters: M = N·H·W values per channel over the whole batch, x̂ = (x - mean) / sqrt(var + eps),
/// y = gamma·x̂ + beta.
///
/// In training the statistics must be those of the whole batch even when the batch is split
/// into shards, so the pass is cut into phases that a coordinator can interleave:
///
/// 1. ``accumulateForwardSums(_:into:)`` on each shard: Σx and Σx².
/// 2. ``normalize(_:using:into:)`` on each shard with the combined sums.
/// 3. ``accumulateBackwardSums(outputGradient:input:into:)`` on each shard: Σdy and Σdy·x̂,
///    which are also the shard's gradients of beta and gamma.
/// 4. ``finishBackward(outputGradient:input:using:into:)`` on each shard with the combined sums:
///    dx = gamma / sqrt(var + eps) · (dy - Σdy / M - x̂ · Σdy·x̂ / M).
///
/// ``updateRunningStatistics(using:)`` runs once per batch, on one replica. The plain
/// ``forward(_:into:workspace:)`` and ``backward(outputGradient:input:output:into:workspace:)``
/// run all phases on one shard, or use the running estimates when ``isTraining`` is false.
public final class BatchNorm2d: InputGradientOnlyBackward {
  /// Number of channels, C.
  public let channels: Int

  /// Added to the variance before the square root.
  public let epsilon: Double

  /// Weight of the newest batch in the running estimates.
  public let momentum: Double

  /// Whether passes use batch statistics (training) or the running estimates (inference).
  public var isTraining = true

  private var scale: Tensor?  // gamma [C]
  private var shift: Tensor?  // beta [C]
  private var scaleGradient: Tensor?  // [C]
  private var shiftGradient: Tensor?  // [C]
  private var runningMean: Tensor?  // [C]
  private var runningVariance: Tensor?  // [C]
  private var batchesTracked: UnsafeMutablePointer<Int64>?

  private let statistics: TensorStorage  // mean [C], then 1 / sqrt(var + eps) [C]
  private let ownForwardSums: ChannelSums
  private let ownBackwardSums: ChannelSums

  /// Creates an unbound batch normalisation over `channels` channels.
  public init(channels: Int, epsilon: Double = 1e-5, momentum: Double = 0.1) {
    precondition(channels > 0, "batch norm needs at least one channel")
    self.channels = channels
    self.epsilon = epsilon
    self.momentum = momentum
    statistics = TensorStorage(count: 2 * channels)
    ownForwardSums = ChannelSums(channels: channels)
    ownBackwardSums = ChannelSums(channels: channels)
  }

  public var description: String { "BatchNorm2d(\(channels))" }

  private var mean: UnsafeMutablePointer<Float> { statistics.baseAddress }
  private var inverseDeviation: UnsafeMutablePointer<Float> { statistics.baseAddress + channels }

  /// `weight [C]` (gamma), then `bias [C]` (beta).
  public var parameterDeclarations: [ParameterDeclaration] {
    [
      ParameterDeclaration(name: "weight", dimensions: [channels], role: .normalizationScale),
      ParameterDeclaration(name: "bias", dimensions: [channels], role: .normalizationShift),
    ]
  }

  public func bind(parameters: [Tensor], gradients: [Tensor]) {
    precondition(parameters.count == 2 && gradients.count == 2)
    scale = parameters[0]
    shift = parameters[1]
    scaleGradient = gradients[0]
    shiftGradient = gradients[1]
  }

  /// Binds the running estimates, `[C]` each, and the `num_batches_tracked` counter.
  public func bindRunningStatistics(
    mean: Tensor, variance: Tensor, batchesTracked: UnsafeMutablePointer<Int64>
  ) {
    precondition(mean.count == channels && variance.count == channels)
    runningMean = mean
    runningVariance = variance
    self.batchesTracked = batchesTracked
  }

  public func makeUnboundCopy() -> any Layer {
    BatchNorm2d(channels: channels, epsilon: epsilon, momentum: momentum)
  }

  public func outputShape(for inputShape: TensorShape) -> TensorShape {
    precondition(
      inputShape.channels == channels, "\(self) expects \(channels) channels, got \(inputShape)")
    return inputShape
  }

  // MARK: Phases for sharded training

  /// Adds this shard's Σx and Σx² per channel of `input [N, C, H, W]` to `sums`.
  public func accumulateForwardSums(_ input: Tensor, into sums: ChannelSums) {
    let (C, plane) = (channels, input.shape.planeCount)
    for c in 0..<C {
      var s = 0.0
      var ss = 0.0
      for n in 0..<input.shape.batch {
        let (planeSum, planeSquares) = sumAndSumOfSquares(
          input.pointer + (n * C + c) * plane, count: plane)
        s += planeSum
        ss += planeSquares
      }
      sums.sum[c] += s
      sums.sumOfProducts[c] += ss
    }
    sums.count += input.shape.batch * plane
  }

  /// Normalises `input` with the whole batch's forward `sums` and writes
  /// `gamma·x̂ + beta` to `output`. Saves the mean and 1 / sqrt(var + eps) for the backward pass.
  public func normalize(_ input: Tensor, using sums: ChannelSums, into output: Tensor) {
    let M = Double(sums.count)
    precondition(sums.count > 0, "\(self) cannot normalise with statistics of zero values")
    for c in 0..<channels {
      let batchMean = sums.sum[c] / M
      let variance = max(0, sums.sumOfProducts[c] / M - batchMean * batchMean)
      mean[c] = Float(batchMean)
      inverseDeviation[c] = Float(1 / (variance + epsilon).squareRoot())
    }
    applyAffine(input, into: output)
  }

  /// Folds the new batch statistics from the whole batch's forward `sums` into the running
  /// estimates and counts the batch. Call once per batch, not once per shard.
  public func updateRunningStatistics(using sums: ChannelSums) {
    guard let runningMean, let runningVariance, let batchesTracked else {
      preconditionFailure("\(self) has no running statistics bound")
    }
    precondition(
      sums.count > 1, "\(self) needs more than one value per channel in training, got \(sums.count)"
    )
    let M = Double(sums.count)
    for c in 0..<channels {
      let batchMean = sums.sum[c] / M
      let biasedVariance = max(0, sums.sumOfProducts[c] / M - batchMean * batchMean)
      let unbiasedVariance = biasedVariance * M / (M - 1)
      runningMean[c] = Float((1 - momentum) * Double(runningMean[c]) + momentum * batchMean)
      runningVariance[c] = Float(
        (1 - momentum) * Double(runningVariance[c]) + momentum * unbiasedVariance)
    }
    batchesTracked.pointee += 1
  }

  /// Adds this shard's Σdy and Σdy·x̂ per channel to `sums`, and the same values to the
  /// gradients of beta and gamma unless `addingParameterGradients` is false. `input` is the
  /// tensor that the forward pass normalised.
  public func accumulateBackwardSums(
    outputGradient: Tensor, input: Tensor, into sums: ChannelSums,
    addingParameterGradients: Bool = true
  ) {
    guard let scaleGradient, let shiftGradient else {
      preconditionFailure("\(self) used before its parameters were bound")
    }
    let (C, plane) = (channels, input.shape.planeCount)
    for c in 0..<C {
      let (m, r) = (mean[c], inverseDeviation[c])
      var sdy = 0.0
      var sdyx = 0.0
      for n in 0..<input.shape.batch {
        let offset = (n * C + c) * plane
        let (planeSum, planeProducts) = sumAndSumOfNormalizedProducts(
          outputGradient.pointer + offset, input.pointer + offset, mean: m, inverseDeviation: r,
          count: plane)
        sdy += planeSum
        sdyx += planeProducts
      }
      sums.sum[c] += sdy
      sums.sumOfProducts[c] += sdyx
      if addingParameterGradients {
        shiftGradient[c] += Float(sdy)
        scaleGradient[c] += Float(sdyx)
      }
    }
    sums.count += input.shape.batch * plane
  }

  /// Writes the input gradient of this shard from its `outputGradient` and the whole batch's
  /// backward `sums`: dx = gamma·r·(dy - Σdy / M - x̂·Σdy·x̂ / M), r = 1 / sqrt(var + eps).
  public func finishBackward(
    outputGradient: Tensor, input: Tensor, using sums: ChannelSums, into inputGradient: Tensor
  ) {
    guard let scale else { preconditionFailure("\(self) used before its parameters were bound") }
    precondition(sums.count > 0, "\(self) cannot finish a backward pass over zero values")
    let (C, plane, M) = (channels, input.shape.planeCount, Double(sums.count))
    for c in 0..<C {
      let (m, r) = (mean[c], inverseDeviation[c])
      let k = scale[c] * r
      let meanGradient = Float(sums.sum[c] / M)
      let meanProduct = Float(sums.sumOfProducts[c] / M)
      for n in 0..<input.shape.batch {
        let offset = (n * C + c) * plane
        let (x, dy, dx) = (
          input.pointer + offset, outputGradient.pointer + offset,
          inputGradient.pointer + offset
        )
        for i in 0..<plane {
          let xHat = (x[i] - m) * r
          dx[i] = k * (dy[i] - meanGradient - xHat * meanProduct)
        }
      }
    }
  }

  // MARK: Single-shard passes

  /// Normalises with this batch's statistics and updates the running estimates when training,
  /// or normalises with the running estimates otherwise.
  public func forward(_ input: Tensor, into output: Tensor, workspace: Workspace) {
    if isTraining {
      ownForwardSums.reset()
      accumulateForwardSums(input, into: ownForwardSums)
      normalize(input, using: ownForwardSums, into: output)
      updateRunningStatistics(using: ownForwardSums)
      return
    }

    guard let runningMean, let runningVariance else {
      preconditionFailure("\(self) has no running statistics bound")
    }
    for c in 0..<channels {
      mean[c] = runningMean[c]
      inverseDeviation[c] = Float(1 / (Double(runningVariance[c]) + epsilon).squareRoot())
    }
    applyAffine(input, into: output)
  }

  /// Runs both backward phases on this shard alone when training; with running estimates the
  /// statistics are constants, so dx = gamma·r·dy.
  public func backward(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor?,
    workspace: Workspace
  ) {
    backward(
      outputGradient: outputGradient, input: input, into: inputGradient,
      addingParameterGradients: true)
  }

  /// Runs ``backward(outputGradient:input:output:into:workspace:)`` without adding to the
  /// gradients of gamma and beta.
  public func backwardInputOnly(
    outputGradient: Tensor, input: Tensor, output: Tensor, into inputGradient: Tensor,
    workspace: Workspace
  ) {
    backward(
      outputGradient: outputGradient, input: input, into: inputGradient,
      addingParameterGradients: false)
  }

  private func backward(
    outputGradient: Tensor, input: Tensor, into inputGradient: Tensor?,
    addingParameterGradients: Bool
  ) {
    ownBackwardSums.reset()
    accumulateBackwardSums(
      outputGradient: outputGradient, input: input, into: ownBackwardSums,
      addingParameterGradients: addingParameterGradients)
    guard let inputGradient else { return }

    if isTraining {
      finishBackward(
        outputGradient: outputGradient, input: input, using: ownBackwardSums, into: inputGradient)
      return
    }

    guard let scale else { preconditionFailure("\(self) used before its parameters were bound") }
    let plane = input.shape.planeCount
    for n in 0..<input.shape.batch {
      for c in 0..<channels {
        let offset = (n * channels + c) * plane
        let k = scale[c] * inverseDeviation[c]
        for i in 0..<plane {
          inputGradient.pointer[offset + i] = k * outputGradient.pointer[offset + i]
        }
      }
    }
  }

  /// Writes y = gamma·(x - mean)·r + beta with the saved mean and r.
  private func applyAffine(_ input: Tensor, into output: Tensor) {
    guard let scale, let shift else {
      preconditionFailure("\(self) used before its parameters were bound")
    }
    precondition(output.shape == input.shape, "output shape mismatch in \(self)")
    let plane = input.shape.planeCount
    for n in 0..<input.shape.batch {
      for c in 0..<channels {
        let a = scale[c] * inverseDeviation[c]
        let b = shift[c] - mean[c] * a
        let offset = (n * channels + c) * plane
        let (x, y) = (input.pointer + offset, output.pointer + offset)
        for i in 0..<plane { y[i] = x[i] * a + b }
      }
    }
  }
}
