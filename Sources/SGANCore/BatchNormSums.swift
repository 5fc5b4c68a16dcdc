// The per-plane sums of batch normalisation, in Float64 with four lanes, so that the loops
// vectorise. Each lane adds every fourth value; the lanes are added at the end, so the
// result differs from a sequential sum only by Float64 rounding.

/// Returns Σx and Σx² over `x[0 ..< count]`, accumulated in Float64.
@inline(__always)
func sumAndSumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> (Double, Double) {
  var sum = SIMD4<Double>()
  var squares = SIMD4<Double>()
  var i = 0
  while i + 4 <= count {
    let value = SIMD4<Double>(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self))
    sum += value
    squares += value * value
    i += 4
  }

  var total = sum.sum()
  var totalSquares = squares.sum()
  while i < count {
    let value = Double(x[i])
    total += value
    totalSquares += value * value
    i += 1
  }
  return (total, totalSquares)
}

/// Returns Σdy and Σdy·x̂ over `count` values, with x̂ = (x - mean)·inverseDeviation computed
/// in Float32 as the normalisation does, and the sums accumulated in Float64.
@inline(__always)
func sumAndSumOfNormalizedProducts(
  _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mean: Float, inverseDeviation: Float,
  count: Int
) -> (Double, Double) {
  var sum = SIMD4<Double>()
  var products = SIMD4<Double>()
  let (m, r) = (SIMD4<Float>(repeating: mean), SIMD4<Float>(repeating: inverseDeviation))
  var i = 0
  while i + 4 <= count {
    let gradient = SIMD4<Double>(UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD4<Float>.self))
    let normalized = (UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self) - m) * r
    sum += gradient
    products += gradient * SIMD4<Double>(normalized)
    i += 4
  }

  var total = sum.sum()
  var totalProducts = products.sum()
  while i < count {
    let gradient = Double(dy[i])
    total += gradient
    totalProducts += gradient * Double((x[i] - mean) * inverseDeviation)
    i += 1
  }
  return (total, totalProducts)
}
