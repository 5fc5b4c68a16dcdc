#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Softmax GAN losses (Min Lin, "Softmax GAN", 2017) as functions of the energies mu(x)
/// that the discriminator assigns to each sample.
///
/// A batch B = B+ ∪ B- contains N real and M generated samples. Over the whole batch
///
///     Z_B  = Σ_{x∈B} exp(-mu(x)),      p(x) = exp(-mu(x)) / Z_B
///     L_D  = (1/N) Σ_{x∈B+} mu(x) + ln Z_B        (target 1/N on real samples, 0 on generated)
///     L_G  = (1/|B|) Σ_{x∈B} mu(x) + ln Z_B       (target 1/|B| on every sample)
///
/// Both are cross-entropies between a target distribution t and p: -Σ t(x) ln p(x)
/// = Σ t(x) mu(x) + ln Z_B because Σ t = 1. Differentiating ln Z_B gives -p(x), so
///
///     ∂L_D/∂mu(x) = [x∈B+]/N - p(x),       ∂L_G/∂mu(x) = 1/|B| - p(x).
///
/// p(x) = exp(-mu(x) - ln Z_B) needs only the sample's energy and the global scalar ln Z_B, so
/// each shard computes its own gradients once the shards' ``LogSumExpPartial`` pairs are
/// combined. Each loss is the sum of the shards' energy terms plus ln Z_B.
public enum SoftmaxGANLoss {
  /// Writes ∂L_D/∂mu for one shard's energies into `gradient` (same shape) and returns the
  /// shard's energy term of L_D: (1/N) Σ mu over the shard when it contains real samples, else 0.
  ///
  /// - Parameters:
  ///   - energies: mu(x) of the shard's samples, all real or all generated.
  ///   - areReal: Whether the shard's samples are real (in B+).
  ///   - realCount: N, the number of real samples in the whole batch.
  ///   - logPartition: ln Z_B over the whole batch.
  @discardableResult
  public static func discriminatorGradient(
    energies: Tensor, areReal: Bool, realCount: Int, logPartition: Double, into gradient: Tensor
  ) -> Double {
    precondition(gradient.count == energies.count, "gradient and energies differ in size")
    precondition(realCount > 0, "the batch needs at least one real sample")
    let target = areReal ? 1 / Double(realCount) : 0
    var energySum = 0.0
    for i in 0..<energies.count {
      let mu = Double(energies.pointer[i])
      energySum += mu
      gradient.pointer[i] = Float(target - exp(-mu - logPartition))
    }
    return areReal ? energySum / Double(realCount) : 0
  }

  /// Writes ∂L_G/∂mu for one shard's energies into `gradient` and returns the shard's energy
  /// term of L_G, (1/|B|) Σ mu over the shard.
  ///
  /// - Parameters:
  ///   - energies: mu(x) of the shard's samples, real or generated.
  ///   - batchCount: |B| = N + M, the number of samples in the whole batch.
  ///   - logPartition: ln Z_B over the whole batch.
  @discardableResult
  public static func generatorGradient(
    energies: Tensor, batchCount: Int, logPartition: Double, into gradient: Tensor
  ) -> Double {
    precondition(gradient.count == energies.count, "gradient and energies differ in size")
    precondition(batchCount > 0, "the batch needs at least one sample")
    let target = 1 / Double(batchCount)
    var energySum = 0.0
    for i in 0..<energies.count {
      let mu = Double(energies.pointer[i])
      energySum += mu
      gradient.pointer[i] = Float(target - exp(-mu - logPartition))
    }
    return energySum * target
  }

  /// Returns L_D for a whole batch and writes its gradients with respect to the real energies
  /// `[N, ...]` and the generated energies `[M, ...]`.
  @discardableResult
  public static func discriminatorLoss(
    realEnergies: Tensor, generatedEnergies: Tensor,
    realGradient: Tensor, generatedGradient: Tensor
  ) -> Double {
    let logPartition = LogSumExpPartial(energies: realEnergies)
      .combined(with: LogSumExpPartial(energies: generatedEnergies)).logSum
    let realTerm = discriminatorGradient(
      energies: realEnergies, areReal: true, realCount: realEnergies.count,
      logPartition: logPartition, into: realGradient)
    discriminatorGradient(
      energies: generatedEnergies, areReal: false, realCount: realEnergies.count,
      logPartition: logPartition, into: generatedGradient)
    return realTerm + logPartition
  }

  /// Returns L_G for a whole batch and writes its gradients with respect to the real and the
  /// generated energies. Only the generated samples' gradient reaches the generator, but the
  /// real samples enter Z_B.
  @discardableResult
  public static func generatorLoss(
    realEnergies: Tensor, generatedEnergies: Tensor,
    realGradient: Tensor, generatedGradient: Tensor
  ) -> Double {
    let logPartition = LogSumExpPartial(energies: realEnergies)
      .combined(with: LogSumExpPartial(energies: generatedEnergies)).logSum
    let batchCount = realEnergies.count + generatedEnergies.count
    let realTerm = generatorGradient(
      energies: realEnergies, batchCount: batchCount, logPartition: logPartition,
      into: realGradient)
    let generatedTerm = generatorGradient(
      energies: generatedEnergies, batchCount: batchCount, logPartition: logPartition,
      into: generatedGradient)
    return realTerm + generatedTerm + logPartition
  }
}
