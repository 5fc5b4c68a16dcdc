#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import SGANTraining

/// The sign of a failed run that the Softmax GAN paper looks for: the discriminator separates
/// real from generated samples almost perfectly, so its loss sits at its lower bound.
///
/// The bound depends on the loss. The standard loss (sigmoid cross-entropy averaged per half)
/// is at least 0. The Softmax GAN loss is L_D = -(1/N) Σ_{real} ln p(x), and since the real
/// probabilities sum to at most 1, Jensen's inequality gives L_D ≥ ln N, reached when every
/// real sample gets p = 1/N and every generated one p = 0. The run collapses at the first
/// logged step from which L_D stays within `threshold` nats of the bound for `consecutive`
/// logged steps in a row.
public struct DiscriminatorCollapse: Codable, Equatable, Sendable {
  /// Distance from the lower bound of L_D, in nats, below which a step counts as collapsed.
  public var threshold: Double

  /// Logged steps in a row that must be below the threshold.
  public var consecutive: Int

  /// Creates a criterion.
  public init(threshold: Double = 0.05, consecutive: Int = 20) {
    precondition(threshold > 0, "the threshold must be positive")
    precondition(consecutive >= 1, "at least one step must count")
    self.threshold = threshold
    self.consecutive = consecutive
  }

  /// Returns the lower bound of L_D: ln N for Softmax GAN with N real samples, 0 for the
  /// standard loss.
  public static func lowerBound(loss: LossKind, realCount: Int) -> Double {
    loss == .softmax ? log(Double(realCount)) : 0
  }

  /// Returns the step of the first of `consecutive` logged steps in a row whose L_D lies
  /// within ``threshold`` of `lowerBound`, or nil when there is none. Non-finite losses count
  /// as collapsed, since a diverged run has failed too.
  public func collapseStep(steps: [Int], discriminatorLosses: [Double], lowerBound: Double)
    -> Int?
  {
    precondition(steps.count == discriminatorLosses.count, "one loss per step")
    var runStart = 0
    var runLength = 0
    for (index, loss) in discriminatorLosses.enumerated() {
      if !loss.isFinite || loss - lowerBound < threshold {
        if runLength == 0 { runStart = index }
        runLength += 1
        if runLength >= consecutive { return steps[runStart] }
      } else {
        runLength = 0
      }
    }
    return nil
  }
}
