import Foundation
import SGANCore

extension StepBenchmarkResult {
  /// The thread counts the projection lists.
  public static let projectedThreadCounts = [16, 32, 64]

  /// The projection from the one-thread row, or nil when no row ran on one worker or the
  /// rows ran on several processes, whose exchanges the thread model does not cover.
  public var projection: ScalingProjection? {
    guard processes == 1, let row = rows.first(where: { $0.workers == 1 }), !row.phases.isEmpty
    else {
      return nil
    }
    return ScalingProjection(oneThreadRow: row)
  }

  /// The rule for counting operations, printed in the report and stored in the JSON file.
  public var operationCountNote: String {
    "GFLOP/s = analytic operations of the passes the iteration runs (2 per multiply-add of "
      + "every convolution and transposed convolution: forward, weight gradients, input "
      + "gradients where computed; batch norm, activations, loss and Adam not counted) "
      + "over the median wall time"
  }

  /// The human-readable report: settings, sgemm references, the table and the projection.
  public var report: String {
    let architecture = settings.architecture
    var lines = [
      "DCGAN \(architecture.imageSize)x\(architecture.imageSize)x\(architecture.channels), "
        + "nz \(architecture.latentSize), filters \(architecture.generatorFilters), "
        + "\(settings.loss == .softmax ? "Softmax GAN" : "standard GAN") loss, "
        + "\(settings.weakScaling ? "weak scaling (batch per thread)" : "strong scaling"), "
        + "\(settings.dataPath.map { "data '\($0)'" } ?? "random real batches"), "
        + "\(settings.warmUpIterations) warm-up + \(settings.timedIterations) timed iterations, "
        + "\(processorCount) processors"
        + (processes > 1 ? ", \(processes) MPI ranks of the listed threads each" : "")
    ]
    for rate in sgemm where rate.mean.isFinite {
      lines.append(
        "sgemm \(settings.sgemmSize)³ per thread on \(rate.threads) thread(s): "
          + "\(format(rate.before, 1)) GFLOP/s before, \(format(rate.after, 1)) after, "
          + "mean \(format(rate.mean, 1))")
    }
    lines.append(operationCountNote + ".")
    lines.append("")

    lines.append(
      row(
        "threads", "batch", "s/step (min-max)", "cpu s", "img/s", "speed-up", "effic.", "GFLOP/s",
        "% sgemm", "compute", "combine", "reduce", "adam", "comm", "data", "other"))
    for measured in rows {
      let shares = measured.phaseShares
      let reference = sgemmRate(of: measured)
      lines.append(
        row(
          "\(measured.threads)", "\(measured.realCount)+\(measured.generatedCount)",
          "\(format(measured.medianSeconds, 3)) (\(format(measured.minimumSeconds, 3))-"
            + "\(format(measured.maximumSeconds, 3)))",
          format(measured.medianCPUSeconds, 3), format(measured.imagesPerSecond, 2),
          format(speedUp(measured), 2),
          percent(efficiency(measured)), format(measured.gigaflopsPerSecond, 1),
          reference.map { percent(measured.gigaflopsPerSecond / $0) } ?? "-",
          percent(shares.compute), percent(shares.combine), percent(shares.reduce),
          percent(shares.optimizer), percent(shares.communication), percent(shares.data),
          percent(shares.other)))
    }
    lines.append(
      "GFLOP per iteration: "
        + rows.map { "\($0.threads) thread(s) \(format($0.operationsPerIteration / 1e9, 1))" }
        .joined(separator: ", "))

    if let projection {
      lines.append("")
      lines.append(
        "PROJECTION from the 1-thread phases (not measured): "
          + "\(percent(projection.fixedFraction)) of the 1-thread step does not shrink with "
          + "threads (serial phases and gradient reduction)")
      for threads in Self.projectedThreadCounts {
        let strong = projection.strongSpeedUp(threads: threads)
        let weak = projection.weakSpeedUp(threads: threads)
        lines.append(
          "  \(threads) threads: Amdahl (fixed batch) speed-up \(format(strong, 1)), "
            + "efficiency \(percent(strong / Double(threads))); Gustafson (batch per thread) "
            + "\(format(weak, 1)), efficiency \(percent(weak / Double(threads)))")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// The rows as CSV with a header line; times in seconds, shares from 0 to 1.
  public var csv: String {
    var lines = [
      "threads,workers,real,generated,median_s,min_s,max_s,median_cpu_s,images_per_s,speed_up,efficiency,"
        + "gflop_per_iteration,gflops,sgemm_gflops,compute,combine,reduce,optimizer,communication,data,other"
    ]
    for measured in rows {
      let shares = measured.phaseShares
      let fields: [String] = [
        "\(measured.threads)", "\(measured.workers)", "\(measured.realCount)",
        "\(measured.generatedCount)", "\(measured.medianSeconds)", "\(measured.minimumSeconds)",
        "\(measured.maximumSeconds)", "\(measured.medianCPUSeconds)",
        "\(measured.imagesPerSecond)", "\(speedUp(measured))",
        "\(efficiency(measured))", "\(measured.operationsPerIteration / 1e9)",
        "\(measured.gigaflopsPerSecond)",
        sgemmRate(of: measured).map { "\($0)" } ?? "",
        "\(shares.compute)", "\(shares.combine)", "\(shares.reduce)", "\(shares.optimizer)",
        "\(shares.communication)", "\(shares.data)", "\(shares.other)",
      ]
      lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Encodes the whole result as a JSON object: settings, sgemm references, every row with its
  /// per-iteration times and phases, and the projection. Times are in seconds.
  public func jsonData() throws -> Data {
    let architecture = settings.architecture
    var object: [String: Any] = [
      "settings": [
        "image_size": architecture.imageSize, "channels": architecture.channels,
        "latent_size": architecture.latentSize, "filters": architecture.generatorFilters,
        "loss": settings.loss.rawValue, "batch_size": settings.batchSize,
        "generated_size": settings.generatedSize,
        "discriminator_steps": settings.discriminatorSteps,
        "generator_steps": settings.generatorSteps, "weak_scaling": settings.weakScaling,
        "warm_up_iterations": settings.warmUpIterations,
        "timed_iterations": settings.timedIterations, "data": settings.dataPath ?? NSNull(),
        "sgemm_size": settings.sgemmSize, "seed": settings.seed,
      ] as [String: Any],
      "processor_count": processorCount,
      "processes": processes,
      "operation_count": operationCountNote,
      "sgemm": sgemm.map { rate in
        ["threads": rate.threads, "before_gflops": rate.before, "after_gflops": rate.after]
      },
      "rows": rows.map(jsonObject(for:)),
    ]
    if let projection {
      object["projection"] =
        [
          "fixed_fraction": projection.fixedFraction,
          "fixed_seconds": projection.fixedSeconds,
          "parallel_seconds": projection.parallelSeconds,
          "threads": Self.projectedThreadCounts,
          "strong_speed_up": Self.projectedThreadCounts.map(projection.strongSpeedUp(threads:)),
          "weak_speed_up": Self.projectedThreadCounts.map(projection.weakSpeedUp(threads:)),
        ] as [String: Any]
    }
    return try JSONSerialization.data(
      withJSONObject: sanitized(object), options: [.prettyPrinted, .sortedKeys])
  }

  private func jsonObject(for measured: StepBenchmarkRow) -> [String: Any] {
    let shares = measured.phaseShares
    return [
      "threads": measured.threads, "workers": measured.workers, "real": measured.realCount,
      "generated": measured.generatedCount, "median_s": measured.medianSeconds,
      "min_s": measured.minimumSeconds, "max_s": measured.maximumSeconds,
      "images_per_s": measured.imagesPerSecond, "speed_up": speedUp(measured),
      "efficiency": efficiency(measured),
      "operations_per_iteration": measured.operationsPerIteration,
      "gflops": measured.gigaflopsPerSecond,
      "sgemm_gflops": sgemmRate(of: measured) ?? NSNull(),
      "iteration_s": measured.iterationSeconds,
      "iteration_cpu_s": measured.iterationCPUSeconds,
      "phases_s": measured.phases.map { times in
        [
          "forward": times.forward, "combine": times.combine, "backward": times.backward,
          "reduce": times.reduce, "optimizer": times.optimizer,
          "communication": times.communication, "data": times.data,
        ]
      },
      "shares": [
        "compute": shares.compute, "combine": shares.combine, "reduce": shares.reduce,
        "optimizer": shares.optimizer, "communication": shares.communication,
        "data": shares.data, "other": shares.other,
      ],
    ]
  }

  private func row(_ fields: String...) -> String {
    let widths = [8, 10, 24, 8, 8, 9, 7, 8, 8, 8, 8, 7, 6, 6, 6, 6]
    var line = ""
    for (field, width) in zip(fields, widths) {
      line += String(repeating: " ", count: max(1, width - field.count)) + field
    }
    return line
  }

  private func percent(_ share: Double) -> String {
    share.isFinite ? format(100 * share, 1) + "%" : "-"
  }
}

/// Returns `value` with `decimals` digits after the point.
func format(_ value: Double, _ decimals: Int) -> String {
  String(format: "%.\(decimals)f", value)
}

/// Replaces non-finite numbers, which JSON cannot hold, by null, recursively.
func sanitized(_ value: Any) -> Any {
  switch value {
  case let number as Double:
    return number.isFinite ? number : NSNull()
  case let array as [Any]:
    return array.map(sanitized)
  case let dictionary as [String: Any]:
    return dictionary.mapValues(sanitized)
  default:
    return value
  }
}
