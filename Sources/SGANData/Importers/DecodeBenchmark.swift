/// One thread count's timings from `DecodeBenchmark`.
public struct DecodeBenchmarkRow: Sendable {
  /// Workers used for both measurements.
  public var threadCount: Int

  /// Images processed in each measurement (the file list times the passes).
  public var imageCount: Int

  /// Seconds for the bare JPEG decode of `imageCount` images.
  public var decodeSeconds: Double

  /// Seconds for decode, channel conversion, crop and resize of `imageCount` images.
  public var fullSeconds: Double

  /// Images per second for the bare decode.
  public var decodeImagesPerSecond: Double { Double(imageCount) / decodeSeconds }

  /// Images per second for the full preparation.
  public var fullImagesPerSecond: Double { Double(imageCount) / fullSeconds }

  /// Cost of the full preparation relative to the bare decode
  /// (`fullSeconds / decodeSeconds`); 1.5 means 50 % more time.
  public var costRatio: Double { fullSeconds / decodeSeconds }
}

/// A benchmark of bare TurboJPEG decoding against the full preparation, per
/// thread count.
public enum DecodeBenchmark {
  /// Measures both paths over the same files for each thread count.
  ///
  /// The files are read into memory first, so neither path includes disk
  /// reads. The bare path runs `JPEGDecoder.decode` (header, decompress into
  /// a new pixel array); the full path runs `ImagePreparer.prepare(encoded:)`
  /// (the same decode, then conversion, crop and resize). Both use
  /// `runParallelLoop` with the same per-worker setup. Each measurement
  /// repeats whole passes over the files until `minimumSeconds` have passed,
  /// after one untimed warm-up pass.
  ///
  /// - Throws: the first `ImageError` from reading or processing a file.
  public static func run(
    files: [String], threadCounts: [Int], preparation: ImagePreparation,
    minimumSeconds: Double = 1.0
  ) throws -> [DecodeBenchmarkRow] {
    precondition(!files.isEmpty, "The benchmark needs at least one file")
    let encoded = try files.map { try readFileBytes(atPath: $0) }

    var rows: [DecodeBenchmarkRow] = []
    for threadCount in threadCounts {
      let decoders = try (0..<threadCount).map { _ in try JPEGDecoder() }
      let (decodeImages, decodeSeconds) = try measure(
        encoded: encoded, paths: files, threadCount: threadCount, minimumSeconds: minimumSeconds
      ) { worker, bytes, path in
        _ = try decoders[worker].decode(bytes, path: path)
      }

      let preparers = try (0..<threadCount).map { _ in
        try ImagePreparer(preparation: preparation)
      }
      let (fullImages, fullSeconds) = try measure(
        encoded: encoded, paths: files, threadCount: threadCount, minimumSeconds: minimumSeconds
      ) { worker, bytes, path in
        _ = try preparers[worker].prepare(encoded: bytes, path: path)
      }

      // Scale both to the same image count, so the ratio compares equal work.
      let imageCount = min(decodeImages, fullImages)
      rows.append(
        DecodeBenchmarkRow(
          threadCount: threadCount, imageCount: imageCount,
          decodeSeconds: decodeSeconds * Double(imageCount) / Double(decodeImages),
          fullSeconds: fullSeconds * Double(imageCount) / Double(fullImages)))
    }
    return rows
  }

  /// Runs `work` over every file, pass after pass, and returns the images
  /// processed and the seconds they took.
  private static func measure(
    encoded: [[UInt8]], paths: [String], threadCount: Int, minimumSeconds: Double,
    work: (_ worker: Int, _ bytes: UnsafeRawBufferPointer, _ path: String) throws -> Void
  ) throws -> (images: Int, seconds: Double) {
    func pass() throws {
      let failures = FailureSlots(count: encoded.count)
      runParallelLoop(count: encoded.count, workerCount: threadCount) { worker, index in
        do {
          try encoded[index].withUnsafeBytes { try work(worker, $0, paths[index]) }
        } catch {
          failures.slots[index] = error
        }
      }
      if let failure = failures.slots.lazy.compactMap({ $0 }).first { throw failure }
    }

    try pass()
    let clock = ContinuousClock()
    let start = clock.now
    var images = 0
    var elapsed = 0.0
    repeat {
      try pass()
      images += encoded.count
      let duration = clock.now - start
      elapsed =
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    } while elapsed < minimumSeconds
    return (images, elapsed)
  }
}

/// One error slot per item, each written by at most one worker.
private final class FailureSlots {
  let slots: UnsafeMutableBufferPointer<(any Error)?>

  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }
}
