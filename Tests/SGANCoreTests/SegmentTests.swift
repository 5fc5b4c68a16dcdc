import Testing

@testable import SGANCore

/// A network and a split of its batch into shards, with a readable id.
struct ShardCase: CustomTestStringConvertible, Sendable {
  var network: String
  var shardSizes: [Int]
  var testDescription: String { "\(network) split \(shardSizes)" }
}

/// Runs one training pass over `shards` of replicas the way a data-parallel trainer does:
/// each segment on every shard, then the shards' batch norm sums added in shard order.
private func runSharded(
  primary: Network, replicas: [Network], inputs: [Tensor], outputGradients: [Tensor]
) {
  let count = primary.batchNormLayerIndices.count
  let forwardCombined = primary.forwardSums.map { ChannelSums(channels: $0.channels) }
  let backwardCombined = primary.backwardSums.map { ChannelSums(channels: $0.channels) }

  for segment in 0..<primary.segmentCount {
    for (replica, input) in zip(replicas, inputs) {
      replica.forwardSegment(
        segment, input: input, combinedSums: segment == 0 ? nil : forwardCombined[segment - 1])
    }
    if segment < count {
      forwardCombined[segment].reset()
      for replica in replicas { forwardCombined[segment].add(replica.forwardSums[segment]) }
    }
  }
  for ordinal in 0..<count {
    primary.updateRunningStatistics(batchNorm: ordinal, using: forwardCombined[ordinal])
  }

  for segment in (0..<primary.segmentCount).reversed() {
    for (replica, gradient) in zip(replicas, outputGradients) {
      replica.backwardSegment(
        segment, outputGradient: gradient,
        combinedSums: segment < count ? backwardCombined[segment] : nil, computeInputGradient: true)
    }
    if segment > 0 {
      backwardCombined[segment - 1].reset()
      for replica in replicas {
        backwardCombined[segment - 1].add(replica.backwardSums[segment - 1])
      }
    }
  }
}

@Suite struct SegmentTests {
  static let cases = ["generator", "discriminator"].flatMap { network in
    [[3, 3], [2, 1, 3], [0, 4, 2], [6, 0]].map { ShardCase(network: network, shardSizes: $0) }
  }

  func makeNetwork(_ kind: String, maxBatch: Int) throws -> Network {
    let network =
      kind == "generator"
      ? try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: maxBatch)
      : try DCGAN.makeDiscriminator(tinyConfiguration(), maxBatch: maxBatch)
    randomizeParameters(network, seed: 50, standardDeviation: 0.3)
    return network
  }

  @Test(arguments: cases)
  func shardedSegmentsMatchWholeBatch(_ shardCase: ShardCase) throws {
    let batch = shardCase.shardSizes.reduce(0, +)
    let whole = try makeNetwork(shardCase.network, maxBatch: batch)
    let primary = try makeNetwork(shardCase.network, maxBatch: batch)
    let largestShard = shardCase.shardSizes.max()!
    let replicas = shardCase.shardSizes.map { _ in primary.makeReplica(maxBatch: largestShard) }

    let input = randomTensor(whole.inputShape.withBatch(batch), seed: 51)
    let outputGradient = randomTensor(whole.layerOutputShapes.last!.withBatch(batch), seed: 52)
    var starts: [Int] = []
    var start = 0
    for size in shardCase.shardSizes {
      starts.append(start)
      start += size
    }
    let inputs = zip(starts, shardCase.shardSizes).map { input.samples($0, count: $1) }
    let outputGradients = zip(starts, shardCase.shardSizes).map {
      outputGradient.samples($0, count: $1)
    }

    whole.forward(input)
    whole.backward(outputGradient: outputGradient, computeInputGradient: true)
    runSharded(
      primary: primary, replicas: replicas, inputs: inputs, outputGradients: outputGradients)

    // Outputs and input gradients, shard by shard.
    for (replica, (first, size)) in zip(replicas, zip(starts, shardCase.shardSizes)) {
      let outputMismatch = firstMismatch(
        replica.output.values, whole.output.samples(first, count: size).values, tolerance: 1e-5)
      let expectedInputGradient = whole.inputGradient.samples(first, count: size).values
      let inputGradientMismatch = firstMismatch(
        replica.inputGradient.values, expectedInputGradient, tolerance: 1e-4,
        floor: rootMeanSquare(whole.inputGradient.values))
      #expect(outputMismatch == nil, "\(outputMismatch!)")
      #expect(inputGradientMismatch == nil, "\(inputGradientMismatch!)")
    }

    // Parameter gradients, reduced over the replicas in shard order.
    var reduced = [Float](repeating: 0, count: whole.parameterCount)
    for replica in replicas {
      for i in 0..<reduced.count { reduced[i] += replica.gradients[i] }
    }
    for entry in whole.parameterEntries {
      let expected = Array(whole.gradients.values[entry.range])
      let mismatch = firstMismatch(
        reduced[entry.range], expected, tolerance: 1e-4, floor: rootMeanSquare(expected))
      #expect(mismatch == nil, "\(entry.name): \(mismatch!)")
    }

    // Running statistics, updated once from the combined sums.
    let statisticsMismatch = firstMismatch(
      primary.runningStatistics.values, whole.runningStatistics.values, tolerance: 1e-6)
    #expect(statisticsMismatch == nil, "\(statisticsMismatch!)")
    #expect(primary.batchCounters.baseAddress[0] == 1)
  }

  @Test func replicasShareParametersAndOwnGradients() throws {
    let primary = try makeNetwork("discriminator", maxBatch: 4)
    let replica = primary.makeReplica(maxBatch: 2)

    #expect(replica.parameters.pointer == primary.parameters.pointer)
    #expect(replica.runningStatistics.pointer == primary.runningStatistics.pointer)
    #expect(replica.batchCounters === primary.batchCounters)
    #expect(replica.gradients.pointer != primary.gradients.pointer)
    #expect(replica.workspace !== primary.workspace)
    #expect(replica.maxBatch == 2)
  }

  @Test func replicaUsesSuppliedGradientBuffer() throws {
    let primary = try makeNetwork("generator", maxBatch: 2)
    let all = Tensor(shape: TensorShape(flat: 2 * primary.parameterCount))
    let second = Tensor(
      storage: all.storage, offset: primary.parameterCount,
      shape: TensorShape(flat: primary.parameterCount))
    let replica = primary.makeReplica(maxBatch: 2, gradients: second)

    replica.forward(randomTensor(TensorShape(2, 4, 1, 1), seed: 53))
    replica.backward(outputGradient: randomTensor(replica.output.shape, seed: 54))
    let firstHalf = all.values[0..<primary.parameterCount]
    let secondHalf = all.values[primary.parameterCount...]
    #expect(firstHalf.allSatisfy { $0 == 0 })
    #expect(secondHalf.contains { $0 != 0 })
  }

  @Test func inferenceUsesRunningStatistics() throws {
    let network = try makeNetwork("discriminator", maxBatch: 4)
    let input = randomTensor(TensorShape(4, 3, 32, 32), seed: 55)
    network.forward(input)
    let counters = network.batchCounters.baseAddress[0]
    let statistics = network.runningStatistics.values

    network.mode = .inference
    let batchOfFour = network.forward(input).values
    let firstAlone = network.forward(input.samples(0, count: 1)).values

    // With fixed statistics a sample's energy does not depend on the rest of the batch.
    #expect(abs(firstAlone[0] - batchOfFour[0]) <= 1e-5 * max(1, abs(batchOfFour[0])))
    #expect(network.batchCounters.baseAddress[0] == counters)
    #expect(network.runningStatistics.values == statistics)
  }
}

@Suite struct NetworkViewTests {
  @Test func namedViewsShareNetworkBuffers() throws {
    let generator = try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: 2)
    let weight = try #require(generator.parameterEntry(named: "main.3.weight"))
    let variance = try #require(generator.runningStatisticEntry(named: "main.1.running_var"))

    generator.parameterView(weight)[0, 1, 2, 3] = 7
    generator.gradientView(weight)[5] = 3
    #expect(weight.dimensions == [8, 4, 4, 4])
    #expect(generator.parameterView(weight).shape == TensorShape(8, 4, 4, 4))
    #expect(generator.parameters[weight.offset + ((0 * 4 + 1) * 4 + 2) * 4 + 3] == 7)
    #expect(generator.gradients[weight.offset + 5] == 3)
    #expect(generator.runningStatisticView(variance).values == [Float](repeating: 1, count: 8))
    #expect(generator.parameterEntry(named: "main.2.weight") == nil)
  }
}
