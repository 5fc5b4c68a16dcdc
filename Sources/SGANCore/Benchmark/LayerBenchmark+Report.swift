extension LayerBenchmark.Result {
  /// The per-layer table, the totals per network and the share of non-GEMM work.
  public var report: String {
    let reference = referenceGigaflopsPerSecond
    var lines = [
      "single-thread sgemm, \(referenceSize)x\(referenceSize)x\(referenceSize): "
        + "\(format(referenceRates.before, 1)) GFLOP/s before, "
        + "\(format(referenceRates.after, 1)) after, mean \(format(reference, 1))",
      "DCGAN \(configuration.imageSize)x\(configuration.imageSize)x\(configuration.channels), "
        + "nz \(configuration.latentSize), filters \(configuration.generatorFilters)/"
        + "\(configuration.discriminatorFilters), batch \(batch), training mode, "
        + "mean of \(repetitions) passes, thread CPU time",
      "",
      columns(
        "layer", "kind", "fwd ms", "bwd ms", "GFLOP", "GFLOP/s", "% sgemm", "non-GEMM ms"),
    ]

    for network in ["G", "D"] {
      let rows = self.rows.filter { $0.network == network }
      for row in rows {
        let rate = row.gigaflopsPerSecond
        lines.append(
          columns(
            "\(network) \(row.key)", row.layer, format(row.forwardSeconds * 1e3, 1),
            format(row.backwardSeconds * 1e3, 1),
            rate == nil ? "-" : format((row.forwardOperations + row.backwardOperations) / 1e9, 2),
            rate.map { format($0, 1) } ?? "-",
            rate.map { format(100 * $0 / reference, 0) } ?? "-",
            format(row.nonGEMMSeconds * 1e3, 1)))
      }
      lines.append(summary(of: rows, label: "\(network) total"))
      lines.append("")
    }

    lines.append(summary(of: rows, label: "G + D total"))
    let convolutions = rows.filter { $0.gigaflopsPerSecond != nil }
    let convolutionOperations = convolutions.reduce(0) {
      $0 + $1.forwardOperations + $1.backwardOperations
    }
    let convolutionSeconds = convolutions.reduce(0) { $0 + $1.seconds }
    let totalSeconds = rows.reduce(0) { $0 + $1.seconds }
    let nonGEMMSeconds = rows.reduce(0) { $0 + $1.nonGEMMSeconds }
    lines.append("")
    let convolutionRate = convolutionOperations / convolutionSeconds / 1e9
    lines.append(
      "convolutions: \(format(convolutionRate, 1)) GFLOP/s, "
        + "\(format(100 * convolutionRate / reference, 0))% of sgemm")
    lines.append(
      "non-GEMM work (im2col, col2im, copies, bias, batch norm, activations): "
        + "\(format(1e3 * nonGEMMSeconds, 1)) ms of \(format(1e3 * totalSeconds, 1)) ms, "
        + "\(format(100 * nonGEMMSeconds / totalSeconds, 1))% of the passes")
    return lines.joined(separator: "\n")
  }

  private func summary(of rows: [LayerBenchmark.Row], label: String) -> String {
    let forward = rows.reduce(0) { $0 + $1.forwardSeconds }
    let backward = rows.reduce(0) { $0 + $1.backwardSeconds }
    let operations = rows.reduce(0) { $0 + $1.forwardOperations + $1.backwardOperations }
    let nonGEMM = rows.reduce(0) { $0 + $1.nonGEMMSeconds }
    let rate = operations / (forward + backward) / 1e9
    return columns(
      label, "", format(forward * 1e3, 1), format(backward * 1e3, 1), format(operations / 1e9, 2),
      format(rate, 1), format(100 * rate / referenceGigaflopsPerSecond, 0), format(nonGEMM * 1e3, 1)
    )
  }

  private func columns(
    _ key: String, _ kind: String, _ forward: String, _ backward: String, _ operations: String,
    _ rate: String, _ share: String, _ nonGEMM: String
  ) -> String {
    pad(key, 10) + pad(kind, 46) + padLeft(forward, 9) + padLeft(backward, 9)
      + padLeft(operations, 8) + padLeft(rate, 9) + padLeft(share, 9) + padLeft(nonGEMM, 13)
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(1, width - text.count))
  }

  private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(1, width - text.count)) + text
  }
}

/// Returns `value` with `decimals` digits after the point.
func format(_ value: Double, _ decimals: Int) -> String {
  guard value.isFinite else { return "\(value)" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (abs(value) * scale).rounded() / scale
  let sign = value < 0 && rounded != 0 ? "-" : ""
  let whole = Int(rounded)
  guard decimals > 0 else { return sign + String(whole) }
  let fraction = Int(((rounded - Double(whole)) * scale).rounded())
  let digits = String(fraction)
  return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count)
    + digits
}
