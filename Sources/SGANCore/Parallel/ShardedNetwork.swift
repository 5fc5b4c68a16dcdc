/// One network's replicas across the workers of a step, with the whole batch's batch norm
/// sums that the coordinator combines between segments.
///
/// Replica t runs worker t's shard. All replicas share the parameters and running statistics
/// of the network they were made from. Two sharded networks may share one gradient buffer per
/// worker, as the discriminator's real and generated halves do.
final class ShardedNetwork {
  /// One replica per worker.
  let replicas: [Network]

  /// The whole batch's forward sums (Σx, Σx²) of each batch norm layer.
  let combinedForwardSums: [ChannelSums]

  /// The whole batch's backward sums (Σdy, Σdy·x̂) of each batch norm layer.
  let combinedBackwardSums: [ChannelSums]

  /// Makes one replica of `network` per worker, each for shards up to `maxShard` samples,
  /// adding into `gradients[t]` when given.
  init(of network: Network, workers: Int, maxShard: Int, gradients: [Tensor]? = nil) {
    replicas = (0..<workers).map { worker in
      network.makeReplica(maxBatch: max(maxShard, 1), gradients: gradients?[worker])
    }
    combinedForwardSums = replicas[0].forwardSums.map { ChannelSums(channels: $0.channels) }
    combinedBackwardSums = replicas[0].backwardSums.map { ChannelSums(channels: $0.channels) }
  }

  var segmentCount: Int { replicas[0].segmentCount }

  /// Adds the workers' forward sums of batch norm `ordinal` in worker order, combines them
  /// across processes, and folds them into the shared running estimates.
  func combineForwardSums(_ ordinal: Int, group: ProcessGroup) {
    let combined = combinedForwardSums[ordinal]
    combined.reset()
    for replica in replicas {
      combined.add(replica.forwardSums[ordinal])
    }
    group.allReduce(combined)
    replicas[0].updateRunningStatistics(batchNorm: ordinal, using: combined)
  }

  /// Adds the workers' backward sums of batch norm `ordinal` in worker order and combines them
  /// across processes.
  func combineBackwardSums(_ ordinal: Int, group: ProcessGroup) {
    let combined = combinedBackwardSums[ordinal]
    combined.reset()
    for replica in replicas {
      combined.add(replica.backwardSums[ordinal])
    }
    group.allReduce(combined)
  }

  /// The combined sums forward segment `segment` starts from, nil for segment 0.
  func forwardInput(ofSegment segment: Int) -> ChannelSums? {
    segment == 0 ? nil : combinedForwardSums[segment - 1]
  }

  /// The combined sums backward segment `segment` starts from, nil for the last segment.
  func backwardInput(ofSegment segment: Int) -> ChannelSums? {
    segment < combinedBackwardSums.count ? combinedBackwardSums[segment] : nil
  }
}
