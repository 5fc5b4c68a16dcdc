/// Class coverage of generated images as judged by a classifier: the histogram of predicted
/// classes, its KL divergence from uniform and the number of classes it covers.
public struct ClassMetrics: Codable, Equatable, Sendable {
  /// Samples predicted as each class.
  public var counts: [Int]

  /// KL(p ‖ uniform) of the predicted-class histogram, in nats: 0 for equal shares, ln K when
  /// every sample falls in one class.
  public var kullbackLeibler: Double

  /// Classes that receive at least `minimumShare` of the samples.
  public var classesCovered: Int

  /// Computes the metrics from the predicted class of each sample. A class counts as covered
  /// when it receives at least `minimumShare` of the samples (default 1%, a tenth of the
  /// uniform share of ten classes), so that a few misclassified samples do not cover it.
  public init(predictions: [Int], classCount: Int, minimumShare: Double = 0.01) {
    precondition(!predictions.isEmpty, "no predictions to count")
    var counts = [Int](repeating: 0, count: classCount)
    for prediction in predictions {
      counts[prediction] += 1
    }
    self.counts = counts
    kullbackLeibler = kullbackLeiblerFromUniform(counts: counts)
    let minimum = minimumShare * Double(predictions.count)
    classesCovered = counts.filter { $0 > 0 && Double($0) >= minimum }.count
  }
}

/// Returns the mean Euclidean distance over all pairs of distinct rows of `samples`,
/// row-major `[count, d]`: a diversity measure that falls towards 0 under mode collapse.
/// Computed in Float64, O(count² · d).
public func meanPairwiseDistance(_ samples: [Float], dimension d: Int) -> Double {
  precondition(d > 0 && samples.count % d == 0, "\(samples.count) values are not rows of \(d)")
  let count = samples.count / d
  precondition(count >= 2, "pairs need at least two samples")
  var total = 0.0
  samples.withUnsafeBufferPointer { values in
    for a in 0..<count {
      let rowA = a * d
      for b in (a + 1)..<count {
        let rowB = b * d
        var squared: Float = 0
        for i in 0..<d {
          let difference = values[rowA + i] - values[rowB + i]
          squared += difference * difference
        }
        total += Double(squared).squareRoot()
      }
    }
  }
  return total / Double(count * (count - 1) / 2)
}
