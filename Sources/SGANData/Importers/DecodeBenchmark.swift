#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One thread count's timings from `DecodeBenchmark`.
///
/// Wall-clock seconds give throughput. Process CPU seconds (all threads,
/// from CLOCK_PROCESS_CPUTIME_ID) give the cost ratio without the time the
/// threads spent waiting for a core, which matters on a shared machine.
public struct DecodeBenchmarkRow: Sendable {
  /// Workers used for both measurements.
  public var threadCount: Int

  /// Images processed in each measurement (the file count times the timed passes).
  public var imageCount: Int

  /// Seconds for the bare JPEG decode of `imageCount` images.
  public var decodeSeconds: Double

  /// Seconds for decode, channel conversion, crop and resize of `imageCount` images.
  public var fullSeconds: Double

  /// Process CPU seconds for the bare decode of `imageCount` images.
  public var decodeCPUSeconds: Double

  /// Process CPU seconds for the full preparation of `imageCount` images.
  public var fullCPUSeconds: Double

  /// Images per second for the bare decode.
  public var decodeImagesPerSecond: Double { Double(imageCount) / decodeSeconds }

  /// Images per second for the full preparation.
  public var fullImagesPerSecond: Double { Double(imageCount) / fullSeconds }

  /// Cost of the full preparation relative to the bare decode
  /// (`fullSeconds / decodeSeconds`); 1.5 means 50 % more time.
  public var costRatio: Double { fullSeconds / decodeSeconds }

  /// The same ratio from CPU time, `fullCPUSeconds / decodeCPUSeconds`.
  public var cpuCostRatio: Double { fullCPUSeconds / decodeCPUSeconds }
}

/// A benchmark of bare TurboJPEG decoding against the full preparation, per
/// thread count.
public enum DecodeBenchmark {
  /// Measures both paths over the same files for each thread count.
  ///
  /// The files are read into memory first, so neither path includes disk
  /// reads. The bare path runs `JPEGDecoder.decode` (header, decompress into
  /// a new pixel array). The full path runs `ImagePreparer.prepare(encoded:)`
  /// (the same decode, then conversion, crop and resize). Both use
  /// `runParallelLoop` with the same per-worker setup. After one untimed
  /// warm-up pass of each, bare and full passes over all files alternate
  /// until both have run for `minimumSeconds`, so a change in the machine's
  /// load affects both paths alike.
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
      let preparers = try (0..<threadCount).map { _ in
        try ImagePreparer(preparation: preparation)
      }
      let decode = TimedPasses(encoded: encoded, paths: files, threadCount: threadCount) {
        worker, bytes, path in
        _ = try decoders[worker].decode(bytes, path: path)
      }
      let full = TimedPasses(encoded: encoded, paths: files, threadCount: threadCount) {
        worker, bytes, path in
        _ = try preparers[worker].prepare(encoded: bytes, path: path)
      }

      try decode.runPass()
      try full.runPass()
      repeat {
        try decode.timePass()
        try full.timePass()
      } while decode.seconds < minimumSeconds || full.seconds < minimumSeconds

      rows.append(
        DecodeBenchmarkRow(
          threadCount: threadCount, imageCount: decode.images,
          decodeSeconds: decode.seconds, fullSeconds: full.seconds,
          decodeCPUSeconds: decode.cpuSeconds, fullCPUSeconds: full.cpuSeconds))
    }
    return rows
  }
}

/// Whole passes of one kind of work over every file, with their summed
/// wall-clock and process CPU times.
private final class TimedPasses {
  let encoded: [[UInt8]]
  let paths: [String]
  let threadCount: Int
  let work: (_ worker: Int, _ bytes: UnsafeRawBufferPointer, _ path: String) throws -> Void

  /// Images processed by timed passes.
  private(set) var images = 0

  /// Wall-clock seconds of the timed passes.
  private(set) var seconds = 0.0

  /// Process CPU seconds of the timed passes.
  private(set) var cpuSeconds = 0.0

  init(
    encoded: [[UInt8]], paths: [String], threadCount: Int,
    work: @escaping (_ worker: Int, _ bytes: UnsafeRawBufferPointer, _ path: String) throws -> Void
  ) {
    self.encoded = encoded
    self.paths = paths
    self.threadCount = threadCount
    self.work = work
  }

  /// Runs one timed pass and adds its times.
  func timePass() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = processCPUSeconds()
    try runPass()
    let duration = clock.now - start
    seconds += Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    cpuSeconds += processCPUSeconds() - cpuStart
    images += encoded.count
  }

  /// Runs `work` once on every file and throws the first failure in file order.
  func runPass() throws {
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
}

/// Returns the CPU time used so far by all threads of this process.
private func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
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
