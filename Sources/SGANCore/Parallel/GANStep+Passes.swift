// Sharded passes: every segment of a training pass runs on all workers in one parallel phase,
// and the coordinator combines the batch norm sums before the next segment.

extension GANStep {
  /// Draws worker t's latent vectors for noise index `noiseIndex` and runs the generator's
  /// forward pass on every shard. Worker t's generated images are then
  /// `generatorShards.replicas[t].output`, `[M_t, C, H, W]`.
  func generate(noiseIndex: Int) {
    parallel(\.forward) { worker in
      random.fillLatents(
        worker.latents, step: noiseIndex, firstSample: worker.generatedShard.lowerBound)
    }
    forward(generatorShards, inputs: { worker in worker.latents })
  }

  /// Runs a forward pass of `network` on every shard, with whole-batch batch norm statistics.
  func forward(_ network: ShardedNetwork, inputs: (GANWorker) -> Tensor) {
    let segments = network.segmentCount
    for segment in 0..<segments {
      parallel(\.forward) { worker in
        network.replicas[worker.index].forwardSegment(
          segment, input: inputs(worker), combinedSums: network.forwardInput(ofSegment: segment))
      }
      if segment < segments - 1 {
        serial { network.combineForwardSums(segment, group: group) }
      }
    }
  }

  /// Runs forward passes of the discriminator on the real and the generated shards together,
  /// each half with its own batch norm statistics, and records each shard's ln Z_B partials.
  func discriminatorForward(includeReal: Bool) {
    let segments = generatedDiscriminatorShards.segmentCount
    for segment in 0..<segments {
      parallel(\.forward) { worker in
        if includeReal {
          realDiscriminatorShards.replicas[worker.index].forwardSegment(
            segment, input: worker.realInput!,
            combinedSums: realDiscriminatorShards.forwardInput(ofSegment: segment))
        }
        generatedDiscriminatorShards.replicas[worker.index].forwardSegment(
          segment, input: generatorShards.replicas[worker.index].output,
          combinedSums: generatedDiscriminatorShards.forwardInput(ofSegment: segment))

        if segment == segments - 1 {
          worker.realPartial =
            includeReal ? LogSumExpPartial(energies: realEnergies(worker)) : .empty
          worker.generatedPartial = LogSumExpPartial(energies: generatedEnergies(worker))
        }
      }
      if segment < segments - 1 {
        serial {
          if includeReal {
            realDiscriminatorShards.combineForwardSums(segment, group: group)
          }
          generatedDiscriminatorShards.combineForwardSums(segment, group: group)
        }
      }
    }
  }

  /// Runs the discriminator's backward passes from the workers' energy gradients: both halves
  /// when `includeReal`, else only the generated half. `inputGradient` requests the gradient
  /// with respect to the generated images, which the generator step needs, and
  /// `parameterGradients` the discriminator's parameter gradients, which it does not.
  func discriminatorBackward(includeReal: Bool, inputGradient: Bool, parameterGradients: Bool) {
    let segments = generatedDiscriminatorShards.segmentCount
    for segment in (0..<segments).reversed() {
      parallel(\.backward) { worker in
        if includeReal {
          realDiscriminatorShards.replicas[worker.index].backwardSegment(
            segment, outputGradient: worker.realEnergyGradient,
            combinedSums: realDiscriminatorShards.backwardInput(ofSegment: segment))
        }
        generatedDiscriminatorShards.replicas[worker.index].backwardSegment(
          segment, outputGradient: worker.generatedEnergyGradient,
          combinedSums: generatedDiscriminatorShards.backwardInput(ofSegment: segment),
          computeInputGradient: inputGradient, computeParameterGradients: parameterGradients)
      }
      if segment > 0 {
        serial {
          if includeReal {
            realDiscriminatorShards.combineBackwardSums(segment - 1, group: group)
          }
          generatedDiscriminatorShards.combineBackwardSums(segment - 1, group: group)
        }
      }
    }
  }

  /// Runs the generator's backward pass from the discriminator's input gradients.
  func generatorBackward() {
    let network = generatorShards
    let segments = network.segmentCount
    for segment in (0..<segments).reversed() {
      parallel(\.backward) { worker in
        network.replicas[worker.index].backwardSegment(
          segment,
          outputGradient: generatedDiscriminatorShards.replicas[worker.index].inputGradient,
          combinedSums: network.backwardInput(ofSegment: segment))
      }
      if segment > 0 {
        serial { network.combineBackwardSums(segment - 1, group: group) }
      }
    }
  }

  /// The energies of worker t's real shard, `[N_t, 1, 1, 1]`.
  func realEnergies(_ worker: GANWorker) -> Tensor {
    realDiscriminatorShards.replicas[worker.index].output
  }

  /// The energies of worker t's generated shard, `[M_t, 1, 1, 1]`.
  func generatedEnergies(_ worker: GANWorker) -> Tensor {
    generatedDiscriminatorShards.replicas[worker.index].output
  }

  /// Combines the workers' ln Z_B partials in worker order, real shards first, then across
  /// processes, and returns ln Z_B.
  func combineLogPartition() -> Double {
    var partial = LogSumExpPartial.empty
    for worker in workers {
      partial = partial.combined(with: worker.realPartial)
    }
    for worker in workers {
      partial = partial.combined(with: worker.generatedPartial)
    }
    return group.allReduce(partial).logSum
  }

  /// Adds the workers' loss terms and real-probability sums in worker order, across processes.
  func combineLossTerms() -> (loss: Double, realProbabilitySum: Double) {
    scalarScratch[0] = 0
    scalarScratch[1] = 0
    for worker in workers {
      scalarScratch[0] += worker.lossTerm
      scalarScratch[1] += worker.realProbabilitySum
    }
    group.allReduce(scalarScratch, count: 2)
    return (scalarScratch[0], scalarScratch[1])
  }
}
