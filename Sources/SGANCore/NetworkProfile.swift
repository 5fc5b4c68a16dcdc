/// Per-layer times of a network's passes, accumulated while profiling, in CPU seconds of the
/// thread that runs the pass (see ``threadCPUSeconds()``).
///
/// GEMM figures count the time and operations inside ``Workspace/gemm`` during each layer's
/// calls. The rest of a layer's time is im2col, col2im, copies, normalisation and activations.
public struct NetworkProfile: Sendable {
  /// Forward seconds per layer.
  public var forwardSeconds: [Double]

  /// Backward seconds per layer.
  public var backwardSeconds: [Double]

  /// Forward seconds inside GEMM per layer.
  public var forwardGEMMSeconds: [Double]

  /// Backward seconds inside GEMM per layer.
  public var backwardGEMMSeconds: [Double]

  /// Forward GEMM floating-point operations per layer.
  public var forwardGEMMOperations: [Double]

  /// Backward GEMM floating-point operations per layer.
  public var backwardGEMMOperations: [Double]

  /// Creates a zeroed profile for `layerCount` layers.
  public init(layerCount: Int) {
    let zeros = Array(repeating: 0.0, count: layerCount)
    forwardSeconds = zeros
    backwardSeconds = zeros
    forwardGEMMSeconds = zeros
    backwardGEMMSeconds = zeros
    forwardGEMMOperations = zeros
    backwardGEMMOperations = zeros
  }
}

extension Network {
  /// Clears ``profile``.
  public func resetProfile() {
    profile = NetworkProfile(layerCount: layers.count)
    workspace.resetProfile()
  }

  /// Runs `body` as part of layer `index`'s forward or backward work, timing it when profiling.
  @inline(__always)
  func measure(layer index: Int, backward: Bool, _ body: () -> Void) {
    guard isProfiling else {
      body()
      return
    }

    let gemmSecondsBefore = workspace.gemmSeconds
    let gemmOperationsBefore = workspace.gemmOperations
    let start = threadCPUSeconds()
    body()
    let elapsed = threadCPUSeconds() - start
    let gemmSeconds = workspace.gemmSeconds - gemmSecondsBefore
    let gemmOperations = workspace.gemmOperations - gemmOperationsBefore

    if backward {
      profile.backwardSeconds[index] += elapsed
      profile.backwardGEMMSeconds[index] += gemmSeconds
      profile.backwardGEMMOperations[index] += gemmOperations
    } else {
      profile.forwardSeconds[index] += elapsed
      profile.forwardGEMMSeconds[index] += gemmSeconds
      profile.forwardGEMMOperations[index] += gemmOperations
    }
  }
}
