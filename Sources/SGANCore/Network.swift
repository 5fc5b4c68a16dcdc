/// Whether a network normalises with batch statistics or with running estimates.
public enum NetworkMode: Sendable, Hashable {
  /// Batch norm uses the statistics of the current batch and updates the running estimates.
  case training

  /// Batch norm uses the running estimates; no state changes during a pass.
  case inference
}

/// A sequence of layers with one flat parameter buffer, buffers sized once for a maximum
/// batch, and forward and backward passes that never allocate after construction.
///
/// Memory:
/// - ``parameters`` contains every parameter tensor at the offsets in ``parameterEntries``;
///   ``gradients`` has the same layout. Replicas made by ``makeReplica(maxBatch:gradients:)``
///   share ``parameters``, ``runningStatistics`` and ``batchCounters`` and own everything else:
///   gradients, activations, batch norm sums and the workspace.
/// - Every layer's output is kept for the backward pass in a buffer sized for
///   ``maxBatch``. Gradients of layer outputs alternate between two buffers.
///
/// Passes in training mode run in segments split at the batch norm layers (see
/// ``forwardSegment(_:input:combinedSums:)``), so that a data-parallel trainer can combine
/// batch statistics across shards between segments. ``forward(_:)`` and
/// ``backward(outputGradient:computeInputGradient:)`` run the same segments with this
/// replica's own statistics.
///
/// A network is not thread-safe: one thread at a time may run passes on one replica, while
/// different replicas may run concurrently as long as nobody writes the shared parameters.
public final class Network {
  /// The layers in order; the index of a layer is its number in the state_dict keys.
  public let layers: [any Layer]

  /// The largest input the network accepts, `[maxBatch, C, H, W]`.
  public let inputShape: TensorShape

  /// The output shape of each layer at ``maxBatch``.
  public let layerOutputShapes: [TensorShape]

  /// Every parameter tensor's state_dict key, offset and shape, in state_dict order.
  public let parameterEntries: [ParameterEntry]

  /// Every running mean and variance's key, offset in ``runningStatistics`` and shape.
  public let runningStatisticEntries: [ParameterEntry]

  /// Every `num_batches_tracked` counter's key and index in ``batchCounters``.
  public let counterEntries: [CounterEntry]

  /// All parameters, `[parameterCount, 1, 1, 1]`; shared by replicas.
  public let parameters: Tensor

  /// All parameter gradients in the layout of ``parameters``; owned by this replica.
  /// Backward passes add into it; ``zeroGradients()`` clears it.
  public let gradients: Tensor

  /// Batch norm running means and variances; shared by replicas.
  public let runningStatistics: Tensor

  /// Batch norm `num_batches_tracked` counters; shared by replicas.
  public let batchCounters: CounterStorage

  /// Scratch memory and GEMM accounting of this replica.
  public let workspace: Workspace

  /// Indices of the batch norm layers in ``layers``, ascending.
  public let batchNormLayerIndices: [Int]

  /// This replica's forward partial sums (Σx, Σx²), one per batch norm layer, written at the end
  /// of forward segment `j` for batch norm `j`.
  public let forwardSums: [ChannelSums]

  /// This replica's backward partial sums (Σdy, Σdy·x̂), one per batch norm layer, written at the
  /// end of backward segment `j + 1` for batch norm `j`.
  public let backwardSums: [ChannelSums]

  /// Whether passes use batch statistics or running estimates; training by default.
  public var mode: NetworkMode = .training {
    didSet { for layer in batchNorms { layer.isTraining = mode == .training } }
  }

  let batchNorms: [BatchNorm2d]
  let outputStorages: [TensorStorage]  // per layer, [maxBatch, C_i, H_i, W_i]
  let gradientStorages: [TensorStorage]  // two, each the largest layer output at maxBatch
  let inputGradientStorage: TensorStorage  // [maxBatch, C, H, W]

  /// The input of the pass in progress and its batch size.
  var currentInput: Tensor?

  /// The output gradient of the backward pass in progress.
  var currentOutputGradient: Tensor?

  /// Profile of the last passes, filled while ``isProfiling`` is set.
  public internal(set) var profile: NetworkProfile

  /// Whether passes record per-layer times into ``profile``.
  public var isProfiling = false {
    didSet { workspace.isProfiling = isProfiling }
  }

  /// Builds a network over `layers` for inputs up to `inputShape` (`[maxBatch, C, H, W]`).
  ///
  /// Parameters start at zero except batch norm scales (1); running means start at 0 and
  /// running variances at 1, as in PyTorch. Use ``initializeDCGAN(seed:)`` or write
  /// ``parameters`` to set them. Keys are `\(namePrefix).<layer index>.<name>`.
  public convenience init(layers: [any Layer], inputShape: TensorShape, namePrefix: String = "main")
  {
    let layout = Network.layout(of: layers, namePrefix: namePrefix)
    let parameterCount = layout.parameters.last.map { $0.offset + $0.count } ?? 0
    let statisticCount = layout.statistics.last.map { $0.offset + $0.count } ?? 0

    let parameters = Tensor(shape: TensorShape(flat: parameterCount))
    let runningStatistics = Tensor(shape: TensorShape(flat: statisticCount))
    for entry in layout.parameters where entry.role == .normalizationScale {
      for i in entry.range { parameters[i] = 1 }
    }
    for entry in layout.statistics where entry.name.hasSuffix("running_var") {
      for i in entry.range { runningStatistics[i] = 1 }
    }

    self.init(
      layers: layers, inputShape: inputShape, layout: layout, parameters: parameters,
      gradients: nil, runningStatistics: runningStatistics,
      batchCounters: CounterStorage(count: layout.counters.count))
  }

  init(
    layers: [any Layer], inputShape: TensorShape,
    layout: (parameters: [ParameterEntry], statistics: [ParameterEntry], counters: [CounterEntry]),
    parameters: Tensor, gradients: Tensor?, runningStatistics: Tensor,
    batchCounters: CounterStorage
  ) {
    precondition(!layers.isEmpty, "a network needs at least one layer")
    precondition(inputShape.batch > 0, "the maximum batch must be positive, got \(inputShape)")
    BLAS.useSingleThread()

    self.layers = layers
    self.inputShape = inputShape
    parameterEntries = layout.parameters
    runningStatisticEntries = layout.statistics
    counterEntries = layout.counters
    self.parameters = parameters
    self.runningStatistics = runningStatistics
    self.batchCounters = batchCounters

    if let gradients {
      precondition(
        gradients.count == parameters.count,
        "gradient buffer of \(gradients.count) values for \(parameters.count) parameters")
      self.gradients = gradients
    } else {
      self.gradients = Tensor(shape: parameters.shape)
    }

    // Shapes at the maximum batch, and the scratch the largest layer needs.
    var shapes: [TensorShape] = []
    var scratch = 0
    var shape = inputShape
    for layer in layers {
      scratch = max(scratch, layer.scratchCount(forInput: shape))
      shape = layer.outputShape(for: shape)
      shapes.append(shape)
    }
    layerOutputShapes = shapes
    workspace = Workspace(scratchCount: scratch)

    outputStorages = shapes.map { TensorStorage(count: $0.count) }
    let largestOutput = shapes.map(\.count).max() ?? 0
    gradientStorages = [TensorStorage(count: largestOutput), TensorStorage(count: largestOutput)]
    inputGradientStorage = TensorStorage(count: inputShape.count)

    batchNormLayerIndices = layers.indices.filter { layers[$0] is BatchNorm2d }
    batchNorms = batchNormLayerIndices.map { layers[$0] as! BatchNorm2d }
    forwardSums = batchNorms.map { ChannelSums(channels: $0.channels) }
    backwardSums = batchNorms.map { ChannelSums(channels: $0.channels) }
    profile = NetworkProfile(layerCount: layers.count)

    bindParameters()
  }

  /// Binds every layer's parameter, gradient and running-statistic views.
  private func bindParameters() {
    for (index, layer) in layers.enumerated() {
      let entries = parameterEntries.filter { $0.layerIndex == index }
      let declarations = layer.parameterDeclarations
      let views = zip(entries, declarations).map { entry, declaration in
        Tensor(
          storage: parameters.storage, offset: parameters.offset + entry.offset,
          shape: declaration.shape)
      }
      let gradientViews = zip(entries, declarations).map { entry, declaration in
        Tensor(
          storage: gradients.storage, offset: gradients.offset + entry.offset,
          shape: declaration.shape)
      }
      layer.bind(parameters: views, gradients: gradientViews)

      guard let batchNorm = layer as? BatchNorm2d else { continue }
      // Running statistics and counters are laid out in batch norm order: mean, then variance.
      let ordinal = counterEntries.firstIndex { $0.layerIndex == index }!
      let statistics = runningStatisticEntries.filter { $0.layerIndex == index }
      batchNorm.bindRunningStatistics(
        mean: Tensor(
          storage: runningStatistics.storage,
          offset: runningStatistics.offset + statistics[0].offset,
          shape: TensorShape(flat: batchNorm.channels)),
        variance: Tensor(
          storage: runningStatistics.storage,
          offset: runningStatistics.offset + statistics[1].offset,
          shape: TensorShape(flat: batchNorm.channels)),
        batchesTracked: batchCounters.baseAddress + counterEntries[ordinal].index)
    }
  }

  /// Assigns state_dict keys and offsets: parameters in layer order, then running statistics.
  static func layout(of layers: [any Layer], namePrefix: String) -> (
    parameters: [ParameterEntry], statistics: [ParameterEntry], counters: [CounterEntry]
  ) {
    var parameters: [ParameterEntry] = []
    var statistics: [ParameterEntry] = []
    var counters: [CounterEntry] = []
    var parameterOffset = 0
    var statisticOffset = 0

    for (index, layer) in layers.enumerated() {
      let prefix = "\(namePrefix).\(index)."
      for declaration in layer.parameterDeclarations {
        parameters.append(
          ParameterEntry(
            name: prefix + declaration.name, offset: parameterOffset,
            dimensions: declaration.dimensions, role: declaration.role, layerIndex: index))
        parameterOffset += declaration.count
      }

      guard let batchNorm = layer as? BatchNorm2d else { continue }
      for (name, role) in [
        ("running_mean", ParameterRole.normalizationShift),
        ("running_var", ParameterRole.normalizationScale),
      ] {
        statistics.append(
          ParameterEntry(
            name: prefix + name, offset: statisticOffset, dimensions: [batchNorm.channels],
            role: role, layerIndex: index))
        statisticOffset += batchNorm.channels
      }
      counters.append(
        CounterEntry(name: prefix + "num_batches_tracked", index: counters.count, layerIndex: index)
      )
    }
    return (parameters, statistics, counters)
  }

  /// The largest batch a pass accepts.
  public var maxBatch: Int { inputShape.batch }

  /// Number of parameter values.
  public var parameterCount: Int { parameters.count }

  /// Number of segments a training pass runs in: one more than the number of batch norm layers.
  public var segmentCount: Int { batchNormLayerIndices.count + 1 }

  /// Sets every gradient to zero.
  public func zeroGradients() {
    gradients.fill(0)
  }

  /// Returns a replica for another worker: it shares ``parameters``, ``runningStatistics`` and
  /// ``batchCounters`` with this network and owns its gradients, activations and scratch, sized
  /// for batches up to `maxBatch`. `gradients`, when given, becomes the replica's gradient
  /// buffer (`parameterCount` values), for trainers that keep all workers' gradients together.
  public func makeReplica(maxBatch: Int, gradients: Tensor? = nil) -> Network {
    let replica = Network(
      layers: layers.map { $0.makeUnboundCopy() }, inputShape: inputShape.withBatch(maxBatch),
      layout: (parameterEntries, runningStatisticEntries, counterEntries),
      parameters: parameters, gradients: gradients, runningStatistics: runningStatistics,
      batchCounters: batchCounters)
    replica.mode = mode
    return replica
  }

  /// The output of the last pass, `[N, C, H, W]` for its batch of N.
  public var output: Tensor { layerOutput(layers.count - 1) }

  /// The gradient with respect to the input from the last backward pass that computed it.
  public var inputGradient: Tensor {
    Tensor(storage: inputGradientStorage, offset: 0, shape: inputShape.withBatch(currentBatch))
  }

  /// Batch size of the pass in progress or last run.
  public var currentBatch: Int { currentInput?.shape.batch ?? 0 }

  /// Returns the output of layer `index` from the last forward pass.
  public func layerOutput(_ index: Int) -> Tensor {
    Tensor(
      storage: outputStorages[index], offset: 0,
      shape: layerOutputShapes[index].withBatch(currentBatch))
  }

  /// Returns the input of layer `index` in the pass in progress.
  func layerInput(_ index: Int) -> Tensor {
    index == 0 ? currentInput! : layerOutput(index - 1)
  }

  /// Returns the gradient with respect to the output of layer `index` in the pass in progress.
  func outputGradient(ofLayer index: Int) -> Tensor {
    if index == layers.count - 1 { return currentOutputGradient! }
    return Tensor(
      storage: gradientStorages[index % 2], offset: 0,
      shape: layerOutputShapes[index].withBatch(currentBatch))
  }

  /// Returns the destination for the gradient with respect to the input of layer `index`, or
  /// nil for layer 0 when the caller does not need the input gradient.
  func inputGradient(ofLayer index: Int, computeInputGradient: Bool) -> Tensor? {
    if index > 0 { return outputGradient(ofLayer: index - 1) }
    return computeInputGradient ? inputGradient : nil
  }

  func checkInput(_ input: Tensor) {
    precondition(
      input.shape.withBatch(inputShape.batch) == inputShape && input.shape.batch <= maxBatch,
      "network input \(input.shape) does not fit the network's input \(inputShape)")
  }
}
