#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The discriminator and generator steps, and the reduction and update that follow each.

extension GANStep {
  /// Computes the discriminator's gradients for one batch and leaves their sum over the whole
  /// batch in `discriminator.gradients`; the parameters are unchanged until
  /// ``updateDiscriminator()``.
  ///
  /// Generates M images from noise index `noiseIndex`, runs D on the real batch and on the
  /// generated batch, combines ln Z_B, and backpropagates
  /// ∂L_D/∂mu through both halves. The generated batch stays in the generator's buffers, so a
  /// following ``generatorStep(noiseIndex:)`` with a nil index reuses it, as DCGAN does.
  ///
  /// `realBatch` is `[N_p, C, H, W]`: samples ``realRange`` of the real batch, this process's
  /// slice, which is the whole batch with one process.
  public func discriminatorStep(realBatch: Tensor, noiseIndex: Int) -> DiscriminatorStepResult {
    precondition(
      realBatch.shape.batch == realRange.count,
      "real batch \(realBatch.shape) does not hold this process's \(realRange.count) samples")
    for worker in workers {
      worker.realInput = realBatch.samples(
        worker.realShard.lowerBound - realRange.lowerBound, count: worker.realShard.count)
    }

    generate(noiseIndex: noiseIndex)
    discriminatorForward(includeReal: true)

    var logPartition = Double.nan
    if loss == .softmax {
      serial { logPartition = combineLogPartition() }
    }

    parallel(\.backward) { worker in
      discriminatorWorkerGradients[worker.index].fill(0)
      discriminatorEnergyGradients(worker, logPartition: logPartition)
    }
    discriminatorBackward(includeReal: true, inputGradient: false, parameterGradients: true)

    var terms = (loss: 0.0, realProbabilitySum: 0.0)
    serial { terms = combineLossTerms() }
    reduceGradients(discriminatorWorkerGradients, into: discriminator, ranges: discriminatorRanges)

    let lossValue = loss == .softmax ? terms.loss + logPartition : terms.loss
    return DiscriminatorStepResult(
      loss: lossValue, logPartition: logPartition,
      meanRealProbability: terms.realProbabilitySum / Double(realCount))
  }

  /// Computes the generator's gradients and leaves their sum in `generator.gradients`; the
  /// parameters are unchanged until ``updateGenerator()``. Returns L_G.
  ///
  /// With a nil `noiseIndex` the step reuses the generated batch of the last discriminator
  /// step; otherwise it generates a new batch from that noise index. The discriminator runs on
  /// the generated half and, for Softmax GAN, on the last real batch too, because the real
  /// samples enter Z_B. Only the generated half is backpropagated, down to the images and on
  /// through the generator.
  public func generatorStep(noiseIndex: Int?) -> Double {
    precondition(
      workers[0].realInput != nil, "run a discriminator step first: it sets the real batch")
    if let noiseIndex {
      generate(noiseIndex: noiseIndex)
    }

    let includeReal = loss == .softmax
    discriminatorForward(includeReal: includeReal)

    var logPartition = Double.nan
    if includeReal {
      serial { logPartition = combineLogPartition() }
    }

    parallel(\.backward) { worker in
      generatorWorkerGradients[worker.index].fill(0)
      generatorEnergyGradients(worker, logPartition: logPartition)
    }
    discriminatorBackward(includeReal: false, inputGradient: true, parameterGradients: false)
    generatorBackward()

    var terms = (loss: 0.0, realProbabilitySum: 0.0)
    serial { terms = combineLossTerms() }
    reduceGradients(generatorWorkerGradients, into: generator, ranges: generatorRanges)
    return includeReal ? terms.loss + logPartition : terms.loss
  }

  /// Whether the generator step computes the discriminator's parameter gradients. It does
  /// not: it backpropagates through the discriminator only to reach the generated images.
  public var computesDiscriminatorGradientsInGeneratorStep: Bool { false }

  /// Applies Adam to the discriminator with the gradients of the last discriminator step.
  /// Returns whether every updated parameter is finite.
  @discardableResult
  public func updateDiscriminator() -> Bool {
    update(discriminator, optimizer: discriminatorOptimizer, ranges: discriminatorRanges)
  }

  /// Applies Adam to the generator with the gradients of the last generator step. Returns
  /// whether every updated parameter is finite.
  @discardableResult
  public func updateGenerator() -> Bool {
    update(generator, optimizer: generatorOptimizer, ranges: generatorRanges)
  }

  // MARK: Energy gradients

  /// Writes worker t's ∂L_D/∂mu for both halves and its loss terms.
  private func discriminatorEnergyGradients(_ worker: GANWorker, logPartition: Double) {
    let real = realEnergies(worker)
    let generated = generatedEnergies(worker)

    switch loss {
    case .softmax:
      worker.lossTerm =
        SoftmaxGANLoss.discriminatorGradient(
          energies: real, areReal: true, realCount: realCount, logPartition: logPartition,
          into: worker.realEnergyGradient)
        + SoftmaxGANLoss.discriminatorGradient(
          energies: generated, areReal: false, realCount: realCount,
          logPartition: logPartition, into: worker.generatedEnergyGradient)
      var sum = 0.0
      for i in 0..<real.count {
        sum += exp(-Double(real.pointer[i]) - logPartition)
      }
      worker.realProbabilitySum = sum

    case .standard:
      worker.lossTerm =
        StandardGANLoss.discriminatorGradient(
          energies: real, areReal: true, halfCount: realCount, into: worker.realEnergyGradient)
        + StandardGANLoss.discriminatorGradient(
          energies: generated, areReal: false, halfCount: generatedCount,
          into: worker.generatedEnergyGradient)
      // D(x) = sigmoid(-mu) is the standard loss's probability that x is real.
      var sum = 0.0
      for i in 0..<real.count {
        sum += 1 / (1 + exp(Double(real.pointer[i])))
      }
      worker.realProbabilitySum = sum
    }
  }

  /// Writes worker t's ∂L_G/∂mu for the generated half and its loss term.
  private func generatorEnergyGradients(_ worker: GANWorker, logPartition: Double) {
    let generated = generatedEnergies(worker)
    worker.realProbabilitySum = 0

    switch loss {
    case .softmax:
      let batchCount = realCount + generatedCount
      worker.lossTerm =
        SoftmaxGANLoss.generatorGradient(
          energies: realEnergies(worker), batchCount: batchCount, logPartition: logPartition,
          into: worker.realEnergyGradient)
        + SoftmaxGANLoss.generatorGradient(
          energies: generated, batchCount: batchCount, logPartition: logPartition,
          into: worker.generatedEnergyGradient)

    case .standard:
      worker.lossTerm = StandardGANLoss.generatorGradient(
        energies: generated, generatedCount: generatedCount,
        into: worker.generatedEnergyGradient)
    }
  }

  // MARK: Reduction and update

  /// Sums the workers' gradient buffers into `network.gradients` in worker order, each worker
  /// summing one parameter range, then across processes.
  ///
  /// The order of the additions for an element is the same whatever the ranges, so the result
  /// depends only on T.
  private func reduceGradients(_ sources: [Tensor], into network: Network, ranges: [Range<Int>]) {
    parallel(\.reduce) { worker in
      let range = ranges[worker.index]
      let destination = network.gradients.pointer
      let first = sources[0].pointer
      for i in range {
        destination[i] = first[i]
      }
      for source in sources.dropFirst() {
        let values = source.pointer
        for i in range {
          destination[i] += values[i]
        }
      }
    }
    let start = group.communicationSeconds
    group.allReduce(gradients: network.gradients, range: 0..<network.parameterCount)
    times.communication += group.communicationSeconds - start
  }

  /// Runs one Adam step over `network`'s parameters split by range, and checks the results.
  private func update(_ network: Network, optimizer: Adam, ranges: [Range<Int>]) -> Bool {
    optimizer.beginStep()
    parallel(\.optimizer) { worker in
      let range = ranges[worker.index]
      optimizer.update(parameters: network.parameters, gradients: network.gradients, range: range)

      let values = network.parameters.pointer
      var finite = true
      for i in range where !values[i].isFinite {
        finite = false
        break
      }
      rangeIsFinite[worker.index] = finite
    }
    for t in 0..<workers.count where !rangeIsFinite[t] {
      return false
    }
    return true
  }
}
