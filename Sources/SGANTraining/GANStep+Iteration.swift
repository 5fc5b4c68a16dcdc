import SGANCore

/// What one training iteration returns: the last discriminator step's results and the last
/// generator loss.
public struct IterationResult: Sendable {
  /// The results of the last discriminator step of the iteration.
  public var discriminator: DiscriminatorStepResult

  /// L_G of the last generator step of the iteration.
  public var generatorLoss: Double
}

extension GANStep {
  /// Runs training iteration `iteration`: `discriminatorSteps` discriminator updates, then
  /// `generatorSteps` generator updates. This is the iteration sgan-train runs and the one
  /// the scaling benchmark times.
  ///
  /// Before each discriminator update, `loadRealBatch` must fill `realBatch`
  /// (`[N, C, H, W]`) with the next real batch; the step adds the time it takes to the data
  /// phase. The first generator update reuses the last generated and real batches, as DCGAN
  /// does, and later ones draw new latent vectors. Iteration i uses the noise indices
  /// i·(d + g - 1) ..< (i + 1)·(d + g - 1), so its latent vectors depend only on the seed and i.
  ///
  /// `check(isFinite, what)` runs after every loss and every update, in that order, so a
  /// caller can stop at the first non-finite value before the next update uses it. `what`
  /// names the value, such as "the discriminator loss".
  ///
  /// Clears the phase times first, so afterwards ``times`` covers this iteration alone.
  public func runIteration(
    _ iteration: Int, discriminatorSteps: Int, generatorSteps: Int, realBatch: Tensor,
    loadRealBatch: () throws -> Void, check: (Bool, String) throws -> Void
  ) throws -> IterationResult {
    precondition(
      discriminatorSteps >= 1 && generatorSteps >= 1,
      "an iteration needs at least one update of each network")
    let noisePerIteration = discriminatorSteps + generatorSteps - 1
    let noiseBase = iteration * noisePerIteration
    resetTimes()

    var discriminator = DiscriminatorStepResult(
      loss: .nan, logPartition: .nan, meanRealProbability: .nan)
    for update in 0..<discriminatorSteps {
      let dataStart = monotonicSeconds()
      try loadRealBatch()
      addDataWait(monotonicSeconds() - dataStart)

      discriminator = discriminatorStep(realBatch: realBatch, noiseIndex: noiseBase + update)
      try check(discriminator.loss.isFinite, "the discriminator loss")
      try check(updateDiscriminator(), "a discriminator parameter")
    }

    var generatorLoss = Double.nan
    for update in 0..<generatorSteps {
      let noiseIndex = update == 0 ? nil : noiseBase + discriminatorSteps + update - 1
      generatorLoss = generatorStep(noiseIndex: noiseIndex)
      try check(generatorLoss.isFinite, "the generator loss")
      try check(updateGenerator(), "a generator parameter")
    }
    return IterationResult(discriminator: discriminator, generatorLoss: generatorLoss)
  }
}
