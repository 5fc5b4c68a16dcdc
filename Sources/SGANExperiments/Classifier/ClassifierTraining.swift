#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import SGANCore
import SGANData

/// The labelled 32x32 grey images of a packed dataset, with its train and test rows.
struct LabelledImages {
  let dataset: PackedDataset
  let labels: [Int32]
  let trainRows: [Int]
  let testRows: [Int]

  init(path: String) throws {
    dataset = try PackedDataset(path: path)
    let shape = dataset.shape
    func invalid(_ reason: String) -> ExperimentError {
      .invalidSetting(experiment: "classifier", setting: "dataPath", reason: "'\(path)' \(reason)")
    }
    guard shape.height == 32, shape.width == 32, shape.channels == 1 else {
      throw invalid("contains \(shape) images; pack Fashion-MNIST with sgan-pack idx --size 32")
    }
    guard let labels = try dataset.labels() else {
      throw invalid("has no labels; pack it with --labels and --test-labels")
    }
    self.labels = labels
    trainRows = try dataset.rows(in: .train)
    testRows = try dataset.rows(in: .test)
    guard !trainRows.isEmpty, !testRows.isEmpty else {
      throw invalid("needs train and test partitions; pack it with --test-images")
    }
  }
}

extension FashionClassifier {
  /// Returns the mean softmax cross-entropy of `logits [N, K, 1, 1]` against `labels` and
  /// writes its gradient with respect to the logits, (softmax(z) - onehot(y)) / N, to
  /// `gradient`.
  static func crossEntropy(logits: Tensor, labels: [Int], gradient: Tensor) -> Double {
    let (count, classes) = (logits.shape.batch, logits.shape.channels)
    var loss = 0.0
    for n in 0..<count {
      let row = logits.pointer + n * classes
      let out = gradient.pointer + n * classes
      var maximum = row[0]
      for k in 1..<classes { maximum = max(maximum, row[k]) }
      var sum = 0.0
      for k in 0..<classes { sum += exp(Double(row[k] - maximum)) }
      let logSum = log(sum) + Double(maximum)
      loss += logSum - Double(row[labels[n]])
      for k in 0..<classes {
        let p = exp(Double(row[k]) - logSum)
        out[k] = Float((p - (k == labels[n] ? 1 : 0)) / Double(count))
      }
    }
    return loss / Double(count)
  }

  /// Trains `network` on the train rows for `epochs` passes in batches of ``chunk``, in an
  /// order shuffled per epoch from the seed, and returns the test accuracy.
  static func train(
    _ network: Network, on data: LabelledImages, epochs: Int, seed: UInt64,
    report: (String) -> Void
  ) throws -> Double {
    let random = CounterRandom(seed: seed)
    network.initializeFanInUniform(random: random, networkIndex: 0)
    network.mode = .training
    let optimizer = Adam(parameterCount: network.parameterCount, learningRate: 1e-3, beta1: 0.9)
    let trainPixels = try data.dataset.readImages(indices: data.trainRows)
    let input = Tensor(shape: TensorShape(chunk, 1024, 1, 1))
    let gradient = Tensor(shape: TensorShape(chunk, classCount, 1, 1))

    for epoch in 0..<epochs {
      var generator = CounterRandomGenerator(
        random: random, purpose: .dataOrder, step: epoch, sample: 0)
      let order = Array(0..<data.trainRows.count).shuffled(using: &generator)
      var lossSum = 0.0
      var batches = 0
      for start in stride(from: 0, to: order.count - chunk + 1, by: chunk) {
        var labels: [Int] = []
        for (n, index) in order[start..<(start + chunk)].enumerated() {
          scale(trainPixels, from: index * 1024, count: 1024, into: input.pointer + n * 1024)
          labels.append(Int(data.labels[data.trainRows[index]]))
        }
        let logits = network.forward(input)
        lossSum += crossEntropy(logits: logits, labels: labels, gradient: gradient)
        network.zeroGradients()
        network.backward(outputGradient: gradient)
        optimizer.step(parameters: network.parameters, gradients: network.gradients)
        batches += 1
      }
      report(String(format: "classifier: epoch %d mean loss %.4f", epoch + 1, lossSum / Double(batches)))
    }

    network.mode = .inference
    let testPixels = try data.dataset.readImages(indices: data.testRows)
    let classifier = FashionClassifier(network: network, testAccuracy: 0, dataPath: "")
    let predictions = classifier.classify(pixels: testPixels, count: data.testRows.count)
      .predictions
    var correct = 0
    for (n, row) in data.testRows.enumerated() where predictions[n] == Int(data.labels[row]) {
      correct += 1
    }
    return Double(correct) / Double(data.testRows.count)
  }
}
