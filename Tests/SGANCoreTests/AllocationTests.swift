import Testing

@testable import SGANCore

/// Checks that passes reuse the buffers sized at construction.
///
/// What this proves: no pass replaces or resizes any buffer the network owns (layer outputs,
/// gradient buffers, scratch, batch norm sums, parameters), including when the batch grows up
/// to the maximum after a smaller first call. It does not count transient heap allocations;
/// `sgan-bench allocations` counts those with glibc's malloc trace.
@Suite struct AllocationTests {
  func bufferAddresses(_ network: Network) -> [UnsafeMutableRawPointer] {
    var addresses: [UnsafeMutableRawPointer] = [
      UnsafeMutableRawPointer(network.parameters.pointer),
      UnsafeMutableRawPointer(network.gradients.pointer),
      UnsafeMutableRawPointer(network.runningStatistics.pointer),
      UnsafeMutableRawPointer(network.workspace.scratch),
      UnsafeMutableRawPointer(network.inputGradient.pointer),
    ]
    addresses += network.layers.indices.map {
      UnsafeMutableRawPointer(network.layerOutput($0).pointer)
    }
    addresses += network.gradientStorages.map { UnsafeMutableRawPointer($0.baseAddress) }
    addresses += (network.forwardSums + network.backwardSums).map {
      UnsafeMutableRawPointer($0.sum)
    }
    return addresses
  }

  @Test(arguments: ["generator", "discriminator"])
  func passesKeepEveryBufferAddress(kind: String) throws {
    let network =
      kind == "generator"
      ? try DCGAN.makeGenerator(tinyConfiguration(), maxBatch: 5)
      : try DCGAN.makeDiscriminator(tinyConfiguration(), maxBatch: 5)
    network.initializeDCGAN(random: CounterRandom(seed: 70), networkIndex: 0)
    let input = randomTensor(network.inputShape, seed: 71)
    let outputGradient = randomTensor(network.layerOutputShapes.last!, seed: 72)

    network.forward(input.samples(0, count: 2))
    network.backward(
      outputGradient: outputGradient.samples(0, count: 2), computeInputGradient: true)
    let before = bufferAddresses(network)

    for batch in [5, 3, 1] {
      network.forward(input.samples(0, count: batch))
      network.backward(
        outputGradient: outputGradient.samples(0, count: batch), computeInputGradient: true)
      #expect(bufferAddresses(network) == before, "after a pass over \(batch) samples")
    }

    network.mode = .inference
    network.forward(input)
    #expect(bufferAddresses(network) == before, "after an inference pass")
  }
}
