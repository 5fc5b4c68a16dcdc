// Named views into a network's flat buffers, for checkpoint writers, converters and tests.

extension Network {
  /// Returns the parameter entry with state_dict key `name`, or nil if there is none.
  public func parameterEntry(named name: String) -> ParameterEntry? {
    parameterEntries.first { $0.name == name }
  }

  /// Returns the running statistic entry with state_dict key `name`, or nil if there is none.
  public func runningStatisticEntry(named name: String) -> ParameterEntry? {
    runningStatisticEntries.first { $0.name == name }
  }

  /// Returns the parameter tensor of `entry` as a view into ``parameters``, shaped as its
  /// dimensions padded with trailing ones. Writes through the view change the parameters.
  public func parameterView(_ entry: ParameterEntry) -> Tensor {
    Tensor(
      storage: parameters.storage, offset: parameters.offset + entry.offset,
      shape: paddedShape(entry.dimensions))
  }

  /// Returns the gradient tensor of `entry` as a view into ``gradients``.
  public func gradientView(_ entry: ParameterEntry) -> Tensor {
    Tensor(
      storage: gradients.storage, offset: gradients.offset + entry.offset,
      shape: paddedShape(entry.dimensions))
  }

  /// Returns the running mean or variance of `entry` as a view into ``runningStatistics``.
  public func runningStatisticView(_ entry: ParameterEntry) -> Tensor {
    Tensor(
      storage: runningStatistics.storage, offset: runningStatistics.offset + entry.offset,
      shape: paddedShape(entry.dimensions))
  }

  private func paddedShape(_ dimensions: [Int]) -> TensorShape {
    ParameterDeclaration(name: "", dimensions: dimensions, role: .weight).shape
  }
}
