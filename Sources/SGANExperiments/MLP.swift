import SGANCore

/// The hidden activation of a multilayer perceptron.
public enum HiddenActivation: String, Codable, Sendable, CaseIterable {
  /// max(0, x).
  case relu

  /// LeakyReLU with slope 0.2.
  case leakyReLU
}

/// Builders for fully connected networks on inputs `[N, I, 1, 1]`, as used by the
/// two-dimensional mixture experiments and the image classifier.
public enum MLP {
  /// Returns the layers `Linear(sizes[0] → sizes[1]), activation, ..., Linear(→ sizes.last)`.
  ///
  /// There is no activation after the last layer. `lastLayerBias` false drops the final bias,
  /// which a Softmax GAN energy does not need: both losses ignore a shift shared by every
  /// energy of the batch, so that bias would only collect rounding noise.
  public static func layers(
    sizes: [Int], activation: HiddenActivation, lastLayerBias: Bool = true
  ) -> [any Layer] {
    precondition(sizes.count >= 2, "an MLP needs an input and an output size, got \(sizes)")
    var layers: [any Layer] = []
    for index in 0..<(sizes.count - 1) {
      let isLast = index == sizes.count - 2
      layers.append(
        Linear(
          inputFeatures: sizes[index], outputFeatures: sizes[index + 1],
          bias: isLast ? lastLayerBias : true))
      if isLast { break }
      switch activation {
      case .relu: layers.append(ReLU())
      case .leakyReLU: layers.append(LeakyReLU(negativeSlope: 0.2))
      }
    }
    return layers
  }

  /// Builds the network for batches up to `maxBatch`, with inputs `[maxBatch, sizes[0], 1, 1]`.
  public static func makeNetwork(
    sizes: [Int], activation: HiddenActivation, lastLayerBias: Bool = true, maxBatch: Int
  ) -> Network {
    Network(
      layers: layers(sizes: sizes, activation: activation, lastLayerBias: lastLayerBias),
      inputShape: TensorShape(maxBatch, sizes[0], 1, 1))
  }
}

extension Network {
  /// Sets PyTorch's default `nn.Linear` initial values: every weight and bias of a layer with
  /// I input features from U(-1/√I, 1/√I).
  ///
  /// Parameter tensor k draws the uniform stream (``RandomPurpose/initialization``, step
  /// `networkIndex`, sample k), so the values depend only on the seed, the network index and
  /// the architecture. Only networks of ``Linear`` layers and parameter-free layers are
  /// supported.
  public func initializeFanInUniform(random: CounterRandom, networkIndex: Int) {
    for (k, entry) in parameterEntries.enumerated() {
      guard let linear = layers[entry.layerIndex] as? Linear else {
        preconditionFailure("fan-in initialisation supports Linear layers only, got \(entry.name)")
      }
      let bound = 1 / Float(linear.inputFeatures).squareRoot()
      let values = parameters.pointer + entry.offset
      random.fillUniform(
        values, count: entry.count, purpose: .initialization, step: networkIndex, sample: k)
      for i in 0..<entry.count {
        values[i] = (2 * values[i] - 1) * bound
      }
    }
  }
}
