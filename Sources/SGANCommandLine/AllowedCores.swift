import Foundation

/// Returns the number of cores this process may run on, from its CPU affinity mask. `taskset`,
/// container limits and MPI launchers narrow the mask (Open MPI binds each of 2 ranks to one
/// core by default). Falls back to the machine's processor count where the mask is unreadable.
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
