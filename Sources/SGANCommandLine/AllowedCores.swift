import Foundation

/// The number of cores this process may run on: its CPU affinity mask, which `taskset`,
/// container limits and MPI launchers narrow (Open MPI binds each of 2 ranks to one core by
/// default). Falls back to the machine's processor count where the mask cannot be read.
public func allowedCoreCount() -> Int {
  let fallback = ProcessInfo.processInfo.activeProcessorCount
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return fallback
  }
  // "Cpus_allowed:\t00000000,00000003": comma-separated hexadecimal words of the mask.
  for line in status.split(separator: "\n") where line.hasPrefix("Cpus_allowed:") {
    let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
    let count = mask.reduce(0) { total, digit in
      total + (Int(String(digit), radix: 16) ?? 0).nonzeroBitCount
    }
    return count > 0 ? count : fallback
  }
  return fallback
}
