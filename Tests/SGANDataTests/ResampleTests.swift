import Foundation
import Testing

@testable import SGANData

/// Resizes by evaluating the filter definition directly in Double, one
/// output sample at a time over the whole 2D window: an independent
/// reference for the separable, precomputed, Float implementation.
private func referenceResize(
  _ image: Image, box: CropBox, outputWidth: Int, outputHeight: Int, filter: ResampleFilter
) -> [Double] {
  func axisWeights(inputSize: Int, outputSize: Int, output i: Int) -> [Double] {
    let scale = Double(inputSize) / Double(outputSize)
    let filterScale = max(scale, 1)
    let centre = (Double(i) + 0.5) * scale
    let raw = (0..<inputSize).map { j -> Double in
      let distance = Double(j) + 0.5 - centre
      return abs(distance) < filter.radius * filterScale
        ? filter.weight(distance / filterScale) : 0
    }
    let total = raw.reduce(0, +)
    return raw.map { $0 / total }
  }

  var output: [Double] = []
  for y in 0..<outputHeight {
    let rowWeights = axisWeights(inputSize: box.height, outputSize: outputHeight, output: y)
    for x in 0..<outputWidth {
      let columnWeights = axisWeights(inputSize: box.width, outputSize: outputWidth, output: x)
      for c in 0..<image.channels {
        var sum = 0.0
        for j in 0..<box.height where rowWeights[j] != 0 {
          for i in 0..<box.width where columnWeights[i] != 0 {
            sum += rowWeights[j] * columnWeights[i] * Double(image[box.top + j, box.left + i, c])
          }
        }
        output.append(sum)
      }
    }
  }
  return output
}

@Suite struct ResampleTests {
  struct SizeCase: CustomTestStringConvertible, Sendable {
    let inputWidth, inputHeight, outputWidth, outputHeight: Int
    let filter: ResampleFilter
    var testDescription: String {
      "\(inputWidth)x\(inputHeight) to \(outputWidth)x\(outputHeight) \(filter.rawValue)"
    }
  }

  static let sizeCases: [SizeCase] = [
    SizeCase(
      inputWidth: 108, inputHeight: 108, outputWidth: 64, outputHeight: 64, filter: .triangle),
    SizeCase(
      inputWidth: 108, inputHeight: 108, outputWidth: 64, outputHeight: 64, filter: .lanczos3),
    SizeCase(inputWidth: 28, inputHeight: 28, outputWidth: 64, outputHeight: 64, filter: .triangle),
    SizeCase(inputWidth: 50, inputHeight: 30, outputWidth: 7, outputHeight: 11, filter: .triangle),
    SizeCase(inputWidth: 13, inputHeight: 17, outputWidth: 40, outputHeight: 5, filter: .lanczos3),
  ]

  @Test(arguments: sizeCases)
  func resampleMatchesDirectDefinition(size: SizeCase) {
    let image = noiseImage(
      width: size.inputWidth + 6, height: size.inputHeight + 4, channels: 3, seed: 7)
    let box = CropBox(top: 2, left: 3, height: size.inputHeight, width: size.inputWidth)
    let resampler = Resampler(
      filter: size.filter, inputWidth: size.inputWidth, inputHeight: size.inputHeight,
      outputWidth: size.outputWidth, outputHeight: size.outputHeight)
    let result = resampler.resample(image, box: box)
    let reference = referenceResize(
      image, box: box, outputWidth: size.outputWidth, outputHeight: size.outputHeight,
      filter: size.filter)

    #expect(result.width == size.outputWidth)
    #expect(result.height == size.outputHeight)
    // Float accumulation can move a value within 1e-4 of .5 to the other
    // side, so rounding may differ by one step. A larger difference is a bug.
    var worst = 0.0
    for (value, exact) in zip(result.pixels, reference) {
      let clamped = min(255, max(0, exact))
      worst = max(worst, abs(Double(value) - clamped))
    }
    #expect(worst <= 0.5 + 1e-3, "largest difference \(worst)")
  }

  @Test(arguments: sizeCases)
  func constantImageStaysConstant(size: SizeCase) {
    let image = Image(
      width: size.inputWidth, height: size.inputHeight, channels: 3, filledWith: 173)
    let resampler = Resampler(
      filter: size.filter, inputWidth: size.inputWidth, inputHeight: size.inputHeight,
      outputWidth: size.outputWidth, outputHeight: size.outputHeight)
    let box = CropBox(top: 0, left: 0, height: size.inputHeight, width: size.inputWidth)
    let result = resampler.resample(image, box: box)
    #expect(result.pixels.allSatisfy { $0 == 173 })
  }

  @Test func checkerHalvedGivesMean() {
    let checker = Image(width: 2, height: 2, channels: 1, pixels: [0, 255, 255, 0])
    let resampler = Resampler(inputWidth: 2, inputHeight: 2, outputWidth: 1, outputHeight: 1)
    let result = resampler.resample(checker, box: CropBox(top: 0, left: 0, height: 2, width: 2))
    #expect(abs(Double(result.pixels[0]) - 127.5) <= 0.5)
  }

  @Test func largeCheckerHalvedGivesMeanInside() {
    var checker = Image(width: 16, height: 16, channels: 1)
    for y in 0..<16 {
      for x in 0..<16 { checker[y, x, 0] = (x + y) % 2 == 0 ? 20 : 220 }
    }
    let resampler = Resampler(inputWidth: 16, inputHeight: 16, outputWidth: 8, outputHeight: 8)
    let result = resampler.resample(checker, box: CropBox(top: 0, left: 0, height: 16, width: 16))
    // Away from the edges each output window is symmetric over equal
    // numbers of both values. At the edges the window is cut and renormalised.
    for y in 1..<7 {
      for x in 1..<7 { #expect(result[y, x, 0] == 120, "output (\(y), \(x))") }
    }
  }

  @Test func sameSizeResampleIsIdentity() {
    let image = noiseImage(width: 20, height: 12, channels: 3, seed: 3)
    let resampler = Resampler(inputWidth: 8, inputHeight: 6, outputWidth: 8, outputHeight: 6)
    let box = CropBox(top: 3, left: 5, height: 6, width: 8)
    let result = resampler.resample(image, box: box)
    #expect(result == (try? image.cropped(to: box, path: "")))
  }

  @Test func halvingRampAveragesNeighbours() {
    // A linear ramp halved by the triangle filter: interior output pixel i
    // takes input pixels 2i-1 ... 2i+2 with weights 1/8, 3/8, 3/8, 1/8, whose
    // mean position is 2i + 0.5.
    var ramp = Image(width: 32, height: 1, channels: 1)
    for x in 0..<32 { ramp[0, x, 0] = UInt8(x * 8) }
    let resampler = Resampler(inputWidth: 32, inputHeight: 1, outputWidth: 16, outputHeight: 1)
    let result = resampler.resample(ramp, box: CropBox(top: 0, left: 0, height: 1, width: 32))
    for i in 1..<15 {
      let expected = (2 * Double(i) + 0.5) * 8
      #expect(abs(Double(result[0, i, 0]) - expected) <= 0.5, "output \(i)")
    }
  }

  @Test(arguments: ResampleFilter.allCases)
  func axisWeightsSumToOne(filter: ResampleFilter) {
    for (input, output) in [(108, 64), (28, 64), (218, 64), (5, 3)] {
      let weights = AxisWeights(inputSize: input, outputSize: output, filter: filter)
      for i in 0..<output {
        let row = weights.weights[i * weights.maximumCount..<(i + 1) * weights.maximumCount]
        #expect(abs(row.reduce(0, +) - 1) < 1e-5, "\(input) to \(output), output \(i)")
        #expect(weights.starts[i] + weights.counts[i] <= input)
      }
    }
  }

  @Test func preparerProducesDCGANSize() throws {
    let preparer = try ImagePreparer(preparation: .celebA())
    let face = noiseImage(width: 178, height: 218, channels: 3, seed: 11)
    let pixels = try preparer.prepare(face, path: "face")
    #expect(pixels.count == 64 * 64 * 3)
  }
}
