/// A failure on some processes of a group, reported on every process.
///
/// Raised by ``ProcessGroup/collectively(_:)`` on the processes whose own work succeeded,
/// so that every process stops at the same point instead of waiting at the next combine
/// for a process that has given up.
public struct ProcessGroupFailure: Error, CustomStringConvertible, Equatable {
  /// The ranks that failed, ascending, with each one's error message.
  public var failures: [(rank: Int, message: String)]

  public static func == (lhs: ProcessGroupFailure, rhs: ProcessGroupFailure) -> Bool {
    lhs.failures.map(\.rank) == rhs.failures.map(\.rank)
      && lhs.failures.map(\.message) == rhs.failures.map(\.message)
  }

  /// One line per distinct message, naming the ranks that reported it.
  public var description: String {
    var groups: [(ranks: [Int], message: String)] = []
    for failure in failures {
      if let index = groups.firstIndex(where: { $0.message == failure.message }) {
        groups[index].ranks.append(failure.rank)
      } else {
        groups.append(([failure.rank], failure.message))
      }
    }
    return groups.map { group in
      let label = group.ranks.count == 1 ? "rank" : "ranks"
      let ranks = group.ranks.map(String.init).joined(separator: ", ")
      return "\(label) \(ranks): \(group.message)"
    }.joined(separator: "\n")
  }
}

extension ProcessGroup {
  /// Runs `body` on this process, then agrees with the others on whether all succeeded.
  ///
  /// When every process succeeded, returns this process's result. When this process's
  /// `body` threw, rethrows that error unchanged when it is the only process, and otherwise
  /// throws a ``ProcessGroupFailure`` naming every failed rank, the same on every process.
  /// Collective: every process must call it at the same point.
  public func collectively<Result>(_ body: () throws -> Result) throws -> Result {
    var outcome: Result?
    var ownError: Error?
    do {
      outcome = try body()
    } catch {
      ownError = error
    }
    if size == 1 {
      if let ownError { throw ownError }
      return outcome!
    }

    var encoded: [UInt8] = [0]
    if let ownError {
      encoded = [1] + Array(String(describing: ownError).utf8)
    }
    var failures: [(rank: Int, message: String)] = []
    for (rank, bytes) in allGather(encoded).enumerated() where bytes.first == 1 {
      failures.append((rank, String(decoding: bytes.dropFirst(), as: UTF8.self)))
    }
    if !failures.isEmpty {
      throw ProcessGroupFailure(failures: failures)
    }
    return outcome!
  }

  /// Returns whether `flag` is true on any process. Collective.
  public func anyProcess(_ flag: Bool) -> Bool {
    if size == 1 { return flag }
    let votes = allGather([flag ? 1 : 0])
    return votes.contains { $0.first == 1 }
  }
}
