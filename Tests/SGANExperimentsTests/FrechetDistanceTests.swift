import Foundation
import Testing

@testable import SGANExperiments

/// Returns the largest absolute difference between two arrays of equal length.
func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
  return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct SymmetricEigenTests {
  @Test func diagonalMatrixKeepsItsEntries() {
    let eigen = SymmetricEigen(symmetric: [3, 0, 0, 0, 1, 0, 0, 0, 2], dimension: 3)
    #expect(maxDifference(eigen.values.sorted(), [1, 2, 3]) < 1e-12)
  }

  @Test func twoByTwoMatchesClosedForm() {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    let eigen = SymmetricEigen(symmetric: [2, 1, 1, 2], dimension: 2)
    #expect(maxDifference(eigen.values.sorted(), [1, 3]) < 1e-12)
  }

  @Test func decompositionReconstructsMatrix() {
    let matrix: [Double] = [4, 1, -2, 0.5, 1, 3, 0, 1, -2, 0, 5, 2, 0.5, 1, 2, 6]
    let rebuilt = SymmetricEigen(symmetric: matrix, dimension: 4).applying { $0 }
    #expect(maxDifference(rebuilt, matrix) < 1e-12)
  }

  @Test func squareRootOfSquareIsOriginal() {
    // B is symmetric positive definite, so the principal root of B² is B.
    let b: [Double] = [2, 0.5, 0, 0.5, 3, 0.25, 0, 0.25, 1]
    let root = SymmetricEigen.squareRoot(ofSymmetric: multiply(b, b, 3), dimension: 3)
    #expect(maxDifference(root, b) < 1e-10)
  }

  @Test func squareRootOfSingularMatrixIsFinite() {
    // [[1, 1], [1, 1]] has eigenvalues 0 and 2; its root is the matrix divided by √2.
    let root = SymmetricEigen.squareRoot(ofSymmetric: [1, 1, 1, 1], dimension: 2)
    let expected = [1, 1, 1, 1].map { $0 / 2.0.squareRoot() }
    #expect(maxDifference(root, expected) < 1e-12)
  }
}

@Suite struct FrechetDistanceTests {
  /// Rows of a d-dimensional sample: ±scale along each axis in turn, plus `shift`.
  func axisSamples(dimension d: Int, scale: Float, shift: Float) -> [Float] {
    var rows: [Float] = []
    for axis in 0..<d {
      for sign: Float in [-1, 1] {
        var row = [Float](repeating: shift, count: d)
        row[axis] += sign * scale
        rows += row
      }
    }
    return rows
  }

  @Test func identicalSetsHaveZeroDistance() {
    let features = axisSamples(dimension: 3, scale: 1, shift: 0.5)
    let statistics = FeatureStatistics(features: features, dimension: 3)
    #expect(FeatureStatistics.frechetDistance(statistics, statistics) < 1e-9)
  }

  @Test func shiftedMeanAddsSquaredDistance() {
    let first = FeatureStatistics(features: axisSamples(dimension: 3, scale: 1, shift: 0), dimension: 3)
    let second = FeatureStatistics(
      features: axisSamples(dimension: 3, scale: 1, shift: 2), dimension: 3)
    // Same covariance; the means differ by 2 in each of 3 axes: 3 · 2² = 12.
    #expect(abs(FeatureStatistics.frechetDistance(first, second) - 12) < 1e-9)
  }

  @Test func scaledCovarianceMatchesClosedForm() {
    let first = FeatureStatistics(features: axisSamples(dimension: 2, scale: 1, shift: 0), dimension: 2)
    let second = FeatureStatistics(
      features: axisSamples(dimension: 2, scale: 2, shift: 0), dimension: 2)
    // Σ1 = s·I and Σ2 = 4s·I with s = 2/3 (two nonzero rows of 4, divided by n - 1 = 3):
    // per axis s + 4s - 2·2s = s, so d² = 2s.
    let s = 2.0 / 3.0
    #expect(abs(first.covariance[0] - s) < 1e-12)
    #expect(abs(FeatureStatistics.frechetDistance(first, second) - 2 * s) < 1e-9)
  }
}

@Suite struct ClassMetricsTests {
  @Test func uniformPredictionsGiveZeroDivergence() {
    let metrics = ClassMetrics(predictions: Array(0..<10) + Array(0..<10), classCount: 10)
    #expect(abs(metrics.kullbackLeibler) < 1e-12)
    #expect(metrics.classesCovered == 10)
  }

  @Test func singleClassGivesLogTen() {
    let metrics = ClassMetrics(predictions: Array(repeating: 4, count: 50), classCount: 10)
    #expect(abs(metrics.kullbackLeibler - log(10.0)) < 1e-12)
    #expect(metrics.classesCovered == 1)
    #expect(metrics.counts[4] == 50)
  }

  @Test func rareClassesAreNotCovered() {
    // Class 1 receives 0.9% and class 2 0.1% of the samples, both below the 1% minimum.
    let predictions = Array(repeating: 0, count: 990) + Array(repeating: 1, count: 9) + [2]
    let metrics = ClassMetrics(predictions: predictions, classCount: 10)
    #expect(metrics.classesCovered == 1)
  }

  @Test func pairwiseDistanceOfKnownPoints() {
    // Three points on a line at 0, 3 and 4: distances 3, 4 and 1, mean 8/3.
    let distance = meanPairwiseDistance([0, 0, 3, 0, 4, 0], dimension: 2)
    #expect(abs(distance - 8.0 / 3.0) < 1e-9)
  }

  @Test func identicalSamplesHaveZeroDiversity() {
    let samples = Array(repeating: [Float](arrayLiteral: 1, 2, 3), count: 5).flatMap { $0 }
    #expect(meanPairwiseDistance(samples, dimension: 3) == 0)
  }
}
