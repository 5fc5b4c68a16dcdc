#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The standard GAN losses of DCGAN, written on the same energies mu(x) as Softmax GAN.
///
/// Sign convention: the discriminator's probability that x is real is D(x) = sigmoid(-mu(x)),
/// so low energy means real, as in Softmax GAN where p(x) ∝ exp(-mu(x)). With
/// softplus(t) = ln(1 + exp(t)), -ln D(x) = softplus(mu) and -ln(1 - D(x)) = softplus(-mu).
///
///     L_D = (1/N) Σ_{B+} softplus(mu) + (1/M) Σ_{B-} softplus(-mu)
///     L_G = (1/M) Σ_{B-} softplus(mu)
///
/// L_D is the sigmoid cross-entropy averaged per half; L_G is the non-saturating -ln D(G(z)).
///
/// Gradients, from softplus'(t) = sigmoid(t):
///
///     ∂L_D/∂mu = sigmoid(mu)/N on real samples,  -sigmoid(-mu)/M on generated samples
///     ∂L_G/∂mu = sigmoid(mu)/M on generated samples
///
/// Each gradient needs only its own energy and the half's size, so shards compute them
/// independently. A loss is the sum of the shards' returned terms.
public enum StandardGANLoss {
  /// Writes ∂L_D/∂mu for one shard into `gradient` and returns the shard's term of L_D.
  ///
  /// - Parameters:
  ///   - energies: mu(x) of the shard's samples, all real or all generated.
  ///   - areReal: Whether the shard's samples are real.
  ///   - halfCount: N for real shards, M for generated shards: the size of that half of the
  ///     whole batch.
  @discardableResult
  public static func discriminatorGradient(
    energies: Tensor, areReal: Bool, halfCount: Int, into gradient: Tensor
  ) -> Double {
    precondition(gradient.count == energies.count, "gradient and energies differ in size")
    precondition(halfCount > 0, "each half of the batch needs at least one sample")
    let scale = 1 / Double(halfCount)
    var loss = 0.0
    for i in 0..<energies.count {
      // Real samples: softplus(mu); generated samples: softplus(-mu).
      let t = areReal ? Double(energies.pointer[i]) : -Double(energies.pointer[i])
      loss += softplus(t)
      let slope = scale * logistic(t)
      gradient.pointer[i] = Float(areReal ? slope : -slope)
    }
    return loss * scale
  }

  /// Writes ∂L_G/∂mu for one shard of generated samples into `gradient` and returns the shard's
  /// term of L_G. `generatedCount` is M for the whole batch.
  @discardableResult
  public static func generatorGradient(
    energies: Tensor, generatedCount: Int, into gradient: Tensor
  ) -> Double {
    discriminatorGradient(
      energies: energies, areReal: true, halfCount: generatedCount, into: gradient)
  }

  /// Returns L_D for a whole batch and writes the gradients of both halves.
  @discardableResult
  public static func discriminatorLoss(
    realEnergies: Tensor, generatedEnergies: Tensor,
    realGradient: Tensor, generatedGradient: Tensor
  ) -> Double {
    discriminatorGradient(
      energies: realEnergies, areReal: true, halfCount: realEnergies.count, into: realGradient)
      + discriminatorGradient(
        energies: generatedEnergies, areReal: false, halfCount: generatedEnergies.count,
        into: generatedGradient)
  }

  /// Returns L_G for a whole batch of generated energies and writes its gradient.
  @discardableResult
  public static func generatorLoss(generatedEnergies: Tensor, generatedGradient: Tensor) -> Double {
    generatorGradient(
      energies: generatedEnergies, generatedCount: generatedEnergies.count,
      into: generatedGradient)
  }

  /// ln(1 + exp(t)) without overflow: max(t, 0) + ln(1 + exp(-|t|)).
  static func softplus(_ t: Double) -> Double {
    max(t, 0) + log1p(exp(-abs(t)))
  }

  /// 1 / (1 + exp(-t)) without overflow for large |t|.
  static func logistic(_ t: Double) -> Double {
    if t >= 0 { return 1 / (1 + exp(-t)) }
    let e = exp(t)
    return e / (1 + e)
  }
}
