import Testing

@testable import SGANCore

/// A Philox4x32-10 known-answer case from Random123's `tests/kat_vectors`.
struct PhiloxVector: CustomTestStringConvertible, Sendable {
  var name: String
  var counter: [UInt32]
  var key: [UInt32]
  var expected: [UInt32]
  var testDescription: String { name }
}

@Suite struct RandomTests {
  static let knownAnswers = [
    PhiloxVector(
      name: "zeros", counter: [0, 0, 0, 0], key: [0, 0],
      expected: [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
    PhiloxVector(
      name: "all ones", counter: [.max, .max, .max, .max], key: [.max, .max],
      expected: [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
    PhiloxVector(
      name: "pi digits", counter: [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
      key: [0xa409_3822, 0x299f_31d0],
      expected: [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
  ]

  @Test(arguments: knownAnswers)
  func philoxMatchesKnownAnswers(_ vector: PhiloxVector) {
    let block = Philox4x32.block(
      counter: (vector.counter[0], vector.counter[1], vector.counter[2], vector.counter[3]),
      key: (vector.key[0], vector.key[1]))
    #expect([block.0, block.1, block.2, block.3] == vector.expected)
  }

  @Test func sameStepAndSampleGiveSameLatent() {
    let first = CounterRandom(seed: 42).normals(
      count: 100, purpose: .latentNoise, step: 7, sample: 3)
    let second = CounterRandom(seed: 42).normals(
      count: 100, purpose: .latentNoise, step: 7, sample: 3)
    #expect(first == second)
  }

  @Test func differentSamplesStepsAndSeedsDiffer() {
    let random = CounterRandom(seed: 42)
    let base = random.normals(count: 100, purpose: .latentNoise, step: 7, sample: 3)
    let otherSample = random.normals(count: 100, purpose: .latentNoise, step: 7, sample: 4)
    let otherStep = random.normals(count: 100, purpose: .latentNoise, step: 8, sample: 3)
    let otherPurpose = random.normals(count: 100, purpose: .initialization, step: 7, sample: 3)
    let otherSeed = CounterRandom(seed: 43).normals(
      count: 100, purpose: .latentNoise, step: 7, sample: 3)

    for other in [otherSample, otherStep, otherPurpose, otherSeed] {
      let equalValues = zip(base, other).filter { $0 == $1 }.count
      #expect(equalValues == 0)
    }
  }

  @Test func shardedLatentsMatchWholeBatch() {
    let random = CounterRandom(seed: 5)
    let whole = Tensor(shape: TensorShape(7, 10, 1, 1))
    random.fillLatents(whole, step: 12)

    let shards = [(0, 3), (3, 0), (3, 4)]
    for (start, count) in shards {
      let shard = Tensor(shape: TensorShape(count, 10, 1, 1))
      random.fillLatents(shard, step: 12, firstSample: start)
      #expect(shard.values == whole.samples(start, count: count).values)
    }
  }

  @Test func prefixOfLongerRequestMatches() {
    let random = CounterRandom(seed: 9)
    let long = random.normals(count: 11, purpose: .latentNoise, step: 0, sample: 0)
    let short = random.normals(count: 6, purpose: .latentNoise, step: 0, sample: 0)
    #expect(Array(long.prefix(6)) == short)
  }

  @Test func normalsHaveUnitMoments() {
    let count = 200_000
    let values = CounterRandom(seed: 1).normals(
      count: count, purpose: .latentNoise, step: 0, sample: 0)
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(count)
    let variance =
      values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(count)

    // Standard errors are 1/sqrt(count) ≈ 0.0022 for the mean and ≈ 0.0032 for the variance.
    #expect(abs(mean) < 0.01)
    #expect(abs(variance - 1) < 0.015)
  }

  @Test func uniformsStayInUnitInterval() {
    var values = [Float](repeating: -1, count: 10_000)
    values.withUnsafeMutableBufferPointer { buffer in
      CounterRandom(seed: 2).fillUniform(
        buffer.baseAddress!, count: buffer.count, purpose: .dataOrder, step: 0, sample: 0)
    }
    #expect(values.allSatisfy { $0 >= 0 })
    #expect(values.allSatisfy { $0 < 1 })
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    #expect(abs(mean - 0.5) < 0.01)
  }

  @Test func sequentialGeneratorResumesFromPosition() {
    var generator = CounterRandomGenerator(
      random: CounterRandom(seed: 3), purpose: .dataOrder, step: 1, sample: 0)
    let first = (0..<5).map { _ in generator.next() }

    var resumed = CounterRandomGenerator(
      random: CounterRandom(seed: 3), purpose: .dataOrder, step: 1, sample: 0, position: 2)
    #expect((0..<3).map { _ in resumed.next() } == Array(first[2...]))
  }
}
