/// One named tensor inside a network's flat buffer, as it appears in a PyTorch state_dict.
public struct ParameterEntry: Sendable, Hashable {
  /// The state_dict key, such as `main.0.weight` or `main.1.running_var`.
  public var name: String

  /// Index of the tensor's first value in the flat buffer.
  public var offset: Int

  /// The tensor's PyTorch shape, with its own rank.
  public var dimensions: [Int]

  /// The tensor's role. A running statistic reports the role of the parameter it tracks:
  /// means the shift's, variances the scale's.
  public var role: ParameterRole

  /// Index of the layer in the network, the number in the state_dict key.
  public var layerIndex: Int

  /// Number of values, the product of ``dimensions``.
  public var count: Int { dimensions.reduce(1, *) }

  /// The flat index range the tensor occupies.
  public var range: Range<Int> { offset..<(offset + count) }
}

/// A named integer inside a network, such as a batch norm layer's `num_batches_tracked`.
public struct CounterEntry: Sendable, Hashable {
  /// The state_dict key, such as `main.1.num_batches_tracked`.
  public var name: String

  /// Index of the counter in ``Network/batchCounters``.
  public var index: Int

  /// Index of the layer in the network, the number in the state_dict key.
  public var layerIndex: Int
}

/// A fixed block of Int64 values shared by the replicas of one network.
public final class CounterStorage: @unchecked Sendable {
  /// Number of counters.
  public let count: Int

  /// Address of the first counter.
  public let baseAddress: UnsafeMutablePointer<Int64>

  /// Allocates `count` counters set to zero.
  public init(count: Int) {
    self.count = count
    baseAddress = .allocate(capacity: max(count, 1))
    baseAddress.initialize(repeating: 0, count: max(count, 1))
  }

  deinit {
    baseAddress.deallocate()
  }

  /// The counter at `index`.
  public subscript(index: Int) -> Int64 {
    get {
      precondition(index >= 0 && index < count, "counter \(index) outside \(count)")
      return baseAddress[index]
    }
    set {
      precondition(index >= 0 && index < count, "counter \(index) outside \(count)")
      baseAddress[index] = newValue
    }
  }
}
