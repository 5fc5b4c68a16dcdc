import Testing

@testable import SGANCore

@Suite struct BatchNormSumsTests {
  @Test(arguments: [0, 1, 3, 4, 7, 64, 1023])
  func laneSumsMatchSequentialSums(count: Int) {
    let x = randomTensor(TensorShape(flat: max(count, 1)), seed: 80, mean: 3, standardDeviation: 2)
    let dy = randomTensor(TensorShape(flat: max(count, 1)), seed: 81)
    let (mean, inverseDeviation): (Float, Float) = (2.5, 0.75)

    var sum = 0.0
    var squares = 0.0
    var gradientSum = 0.0
    var products = 0.0
    for i in 0..<count {
      let value = Double(x[i])
      sum += value
      squares += value * value
      gradientSum += Double(dy[i])
      products += Double(dy[i]) * Double((x[i] - mean) * inverseDeviation)
    }

    let forward = sumAndSumOfSquares(x.pointer, count: count)
    let backward = sumAndSumOfNormalizedProducts(
      dy.pointer, x.pointer, mean: mean, inverseDeviation: inverseDeviation, count: count)
    #expect(abs(forward.0 - sum) <= 1e-12 * max(1, abs(sum)))
    #expect(abs(forward.1 - squares) <= 1e-12 * max(1, squares))
    #expect(abs(backward.0 - gradientSum) <= 1e-12 * max(1, abs(gradientSum)))
    #expect(abs(backward.1 - products) <= 1e-12 * max(1, abs(products)))
  }
}
