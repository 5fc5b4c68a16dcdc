// Forward and backward passes, whole or in segments.
//
// With batch norm layers at indices b_0 < b_1 < ... < b_{m-1}, a training pass has m + 1
// segments. Forward segment s:
//   - for s > 0, normalises batch norm s - 1 with the combined sums the caller supplies;
//   - runs the layers strictly between b_{s-1} and b_s (or the end);
//   - for s < m, stops after writing batch norm s's partial sums Σx and Σx² to forwardSums[s].
// Backward segment s runs the same layers in reverse, from s = m down to 0:
//   - for s < m, finishes batch norm s's input gradient with the combined backward sums;
//   - runs the layers in reverse;
//   - for s > 0, stops after writing batch norm s - 1's partial sums Σdy and Σdy·x̂ (and its
//     parameter gradients) to backwardSums[s - 1].
// A coordinator runs segment s on every shard, adds the shards' sums in a fixed order, and
// passes the result to segment s + 1 (forward) or s - 1 (backward) of every shard.

extension Network {
  /// Runs a whole forward pass over `input` (`[N, C, H, W]`, N ≤ ``maxBatch``) and returns the
  /// output `[N, ...]`, a view that the next pass overwrites.
  ///
  /// In training mode this runs every segment with this replica's own batch statistics and then
  /// updates the running estimates. Saves every layer output for the backward pass.
  ///
  /// NOTE: replicas share the running estimates, so a plain training pass on each of several
  /// replicas updates them once per replica. Sharded training runs the segments instead and
  /// calls ``updateRunningStatistics(batchNorm:using:)`` once per batch.
  @discardableResult
  public func forward(_ input: Tensor) -> Tensor {
    checkInput(input)

    if mode == .inference {
      currentInput = input
      for index in layers.indices { runForward(index) }
      return output
    }

    for segment in 0..<segmentCount {
      forwardSegment(
        segment, input: input, combinedSums: segment == 0 ? nil : forwardSums[segment - 1])
    }
    for (ordinal, batchNorm) in batchNorms.enumerated() {
      batchNorm.updateRunningStatistics(using: forwardSums[ordinal])
    }
    return output
  }

  /// Runs a whole backward pass from `outputGradient`, the loss gradient with respect to the
  /// last forward pass's output. Parameter gradients are added into ``gradients`` unless
  /// `computeParameterGradients` is false; the input gradient is written to ``inputGradient``
  /// only when `computeInputGradient` is set.
  public func backward(
    outputGradient: Tensor, computeInputGradient: Bool = false,
    computeParameterGradients: Bool = true
  ) {
    if mode == .inference {
      setOutputGradient(outputGradient)
      for index in layers.indices.reversed() {
        runBackward(
          index, computeInputGradient: computeInputGradient,
          computeParameterGradients: computeParameterGradients)
      }
      return
    }

    for segment in (0..<segmentCount).reversed() {
      backwardSegment(
        segment, outputGradient: outputGradient,
        combinedSums: segment < batchNormLayerIndices.count ? backwardSums[segment] : nil,
        computeInputGradient: computeInputGradient,
        computeParameterGradients: computeParameterGradients)
    }
  }

  /// Runs forward segment `segment` of a training pass on this replica's shard.
  ///
  /// - Parameters:
  ///   - segment: The segment, from 0 to ``segmentCount`` - 1, run in increasing order.
  ///   - input: The shard's network input `[N, C, H, W]`; the same tensor for every segment of
  ///     one pass. N may be 0.
  ///   - combinedSums: For `segment > 0`, the whole batch's forward sums of batch norm
  ///     `segment - 1` (the shards' ``forwardSums`` added together); ignored for segment 0.
  ///
  /// For `segment < segmentCount - 1` the segment ends by writing this shard's Σx and Σx² of
  /// batch norm `segment` to `forwardSums[segment]`.
  public func forwardSegment(_ segment: Int, input: Tensor, combinedSums: ChannelSums?) {
    precondition(mode == .training, "segments run in training mode only")
    precondition(
      segment >= 0 && segment < segmentCount, "segment \(segment) outside 0..<\(segmentCount)")

    if segment == 0 {
      checkInput(input)
      currentInput = input
    }

    var first = 0
    if segment > 0 {
      guard let combinedSums else {
        preconditionFailure("forward segment \(segment) needs the combined batch norm sums")
      }
      let index = batchNormLayerIndices[segment - 1]
      measure(layer: index, backward: false) {
        batchNorms[segment - 1].normalize(
          layerInput(index), using: combinedSums, into: layerOutput(index))
      }
      first = index + 1
    }

    let end = segment < batchNormLayerIndices.count ? batchNormLayerIndices[segment] : layers.count
    for index in first..<end { runForward(index) }

    if segment < batchNormLayerIndices.count {
      forwardSums[segment].reset()
      measure(layer: end, backward: false) {
        batchNorms[segment].accumulateForwardSums(layerInput(end), into: forwardSums[segment])
      }
    }
  }

  /// Runs backward segment `segment` of a training pass on this replica's shard.
  ///
  /// - Parameters:
  ///   - segment: The segment, run in decreasing order from ``segmentCount`` - 1 to 0.
  ///   - outputGradient: The loss gradient with respect to this shard's output; the same tensor
  ///     for every segment of one pass.
  ///   - combinedSums: For `segment < segmentCount - 1`, the whole batch's backward sums of
  ///     batch norm `segment` (the shards' ``backwardSums`` added together).
  ///   - computeInputGradient: Whether segment 0 writes ``inputGradient``.
  ///   - computeParameterGradients: Whether the segment adds parameter gradients into
  ///     ``gradients``. When false, layers that conform to ``InputGradientOnlyBackward`` and
  ///     batch norm leave them untouched; other layers add theirs as usual.
  ///
  /// For `segment > 0` the segment ends by writing this shard's Σdy and Σdy·x̂ of batch norm
  /// `segment - 1` to `backwardSums[segment - 1]` and, when computing parameter gradients,
  /// adding them to that layer's gradients.
  public func backwardSegment(
    _ segment: Int, outputGradient: Tensor, combinedSums: ChannelSums?,
    computeInputGradient: Bool = false, computeParameterGradients: Bool = true
  ) {
    precondition(mode == .training, "segments run in training mode only")
    precondition(
      segment >= 0 && segment < segmentCount, "segment \(segment) outside 0..<\(segmentCount)")

    if segment == segmentCount - 1 { setOutputGradient(outputGradient) }

    var last = layers.count - 1
    if segment < batchNormLayerIndices.count {
      guard let combinedSums else {
        preconditionFailure("backward segment \(segment) needs the combined batch norm sums")
      }
      let index = batchNormLayerIndices[segment]
      if let destination = inputGradient(ofLayer: index, computeInputGradient: computeInputGradient)
      {
        measure(layer: index, backward: true) {
          batchNorms[segment].finishBackward(
            outputGradient: self.outputGradient(ofLayer: index), input: layerInput(index),
            using: combinedSums, into: destination)
        }
      }
      last = index - 1
    }

    let first = segment > 0 ? batchNormLayerIndices[segment - 1] + 1 : 0
    for index in stride(from: last, through: first, by: -1) {
      runBackward(
        index, computeInputGradient: computeInputGradient,
        computeParameterGradients: computeParameterGradients)
    }

    if segment > 0 {
      let index = batchNormLayerIndices[segment - 1]
      backwardSums[segment - 1].reset()
      measure(layer: index, backward: true) {
        batchNorms[segment - 1].accumulateBackwardSums(
          outputGradient: self.outputGradient(ofLayer: index), input: layerInput(index),
          into: backwardSums[segment - 1], addingParameterGradients: computeParameterGradients)
      }
    }
  }

  /// Folds the whole batch's forward sums of batch norm `ordinal` (an index into
  /// ``batchNormLayerIndices``) into the shared running estimates. A sharded trainer calls this
  /// once per batch on one replica; ``forward(_:)`` calls it itself.
  public func updateRunningStatistics(batchNorm ordinal: Int, using sums: ChannelSums) {
    batchNorms[ordinal].updateRunningStatistics(using: sums)
  }

  private func runForward(_ index: Int) {
    measure(layer: index, backward: false) {
      layers[index].forward(layerInput(index), into: layerOutput(index), workspace: workspace)
    }
  }

  private func runBackward(
    _ index: Int, computeInputGradient: Bool, computeParameterGradients: Bool
  ) {
    let destination = inputGradient(ofLayer: index, computeInputGradient: computeInputGradient)
    if !computeParameterGradients, let layer = layers[index] as? InputGradientOnlyBackward {
      guard let destination else { return }
      measure(layer: index, backward: true) {
        layer.backwardInputOnly(
          outputGradient: outputGradient(ofLayer: index), input: layerInput(index),
          output: layerOutput(index), into: destination, workspace: workspace)
      }
      return
    }

    measure(layer: index, backward: true) {
      layers[index].backward(
        outputGradient: outputGradient(ofLayer: index), input: layerInput(index),
        output: layerOutput(index), into: destination, workspace: workspace)
    }
  }

  private func setOutputGradient(_ gradient: Tensor) {
    precondition(
      gradient.shape == output.shape,
      "output gradient \(gradient.shape) does not match the output \(output.shape)")
    currentOutputGradient = gradient
  }
}
