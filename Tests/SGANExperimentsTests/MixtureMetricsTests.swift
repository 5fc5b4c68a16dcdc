import Foundation
import SGANCore
import Testing

@testable import SGANExperiments

@Suite struct MixtureMetricsTests {
  let ring = GaussianMixture.ring()

  @Test func ringPlacesEightModesOnRadiusTwo() {
    #expect(ring.centres.count == 8)
    for centre in ring.centres {
      #expect(abs(centre.distance(to: Point2D(0, 0)) - 2) < 1e-12)
    }
  }

  @Test func gridIsCentredWithSpacingTwo() {
    let grid = GaussianMixture.grid()
    #expect(grid.centres.count == 25)
    #expect(grid.centres.first == Point2D(-4, -4))
    #expect(grid.centres.last == Point2D(4, 4))
    #expect(grid.centres[1].distance(to: grid.centres[0]) == 2)
  }

  @Test func fiveExactModesGiveFiveCovered() {
    let points = (0..<5).flatMap { k in Array(repeating: ring.centres[k], count: 10) }
    let metrics = MixtureMetrics(samples: points, mixture: ring)
    #expect(metrics.modesCovered == 5)
    #expect(metrics.highQualityShare == 1)
    // Five equal shares out of eight: KL = ln(8/5).
    #expect(abs(metrics.kullbackLeibler - log(8.0 / 5.0)) < 1e-12)
  }

  @Test func uniformOverModesGivesZeroDivergence() {
    let points = ring.centres.flatMap { Array(repeating: $0, count: 3) }
    let metrics = MixtureMetrics(samples: points, mixture: ring)
    #expect(metrics.modesCovered == 8)
    #expect(abs(metrics.kullbackLeibler) < 1e-12)
  }

  @Test func singleModeGivesDivergenceLogEight() {
    let points = Array(repeating: ring.centres[3], count: 40)
    let metrics = MixtureMetrics(samples: points, mixture: ring)
    #expect(metrics.modesCovered == 1)
    #expect(abs(metrics.kullbackLeibler - log(8.0)) < 1e-12)
  }

  @Test func distantSamplesAreLowQuality() {
    // 3σ = 0.06: a point 0.05 off a centre counts, 0.07 off does not, the origin never does.
    let centre = ring.centres[0]
    let points = [
      Point2D(centre.x + 0.05, centre.y), Point2D(centre.x + 0.07, centre.y), Point2D(0, 0),
      Point2D(0, 0),
    ]
    let metrics = MixtureMetrics(samples: points, mixture: ring)
    #expect(metrics.modesCovered == 1)
    #expect(metrics.highQualityShare == 0.25)
  }

  @Test func noHighQualitySampleGivesMaximumDivergence() {
    let metrics = MixtureMetrics(samples: [Point2D(0, 0)], mixture: ring)
    #expect(metrics.modesCovered == 0)
    #expect(metrics.kullbackLeibler == log(8.0))
  }

  @Test func mixtureSamplesStayNearTheirModes() {
    let batch = Tensor(shape: TensorShape(2000, 2, 1, 1))
    ring.sample(into: batch, random: CounterRandom(seed: 5), step: 3)
    let points = (0..<2000).map {
      Point2D(Double(batch.pointer[2 * $0]), Double(batch.pointer[2 * $0 + 1]))
    }
    let metrics = MixtureMetrics(samples: points, mixture: ring)
    // A 2D normal keeps 1 - exp(-4.5) ≈ 98.9% of its mass within 3σ of its centre.
    #expect(metrics.highQualityShare > 0.97)
    #expect(metrics.modesCovered == 8)
    #expect(metrics.kullbackLeibler < 0.01)
  }

  @Test func mixtureSamplingIsDeterministicPerStep() {
    let first = Tensor(shape: TensorShape(64, 2, 1, 1))
    let second = Tensor(shape: TensorShape(64, 2, 1, 1))
    let other = Tensor(shape: TensorShape(64, 2, 1, 1))
    let random = CounterRandom(seed: 9)
    ring.sample(into: first, random: random, step: 11)
    ring.sample(into: second, random: random, step: 11)
    ring.sample(into: other, random: random, step: 12)
    #expect(first.values == second.values)
    #expect(first.values != other.values)
  }
}
