import CMPI
import SGANCore

#if canImport(Glibc)
  import Glibc
#endif

/// The process group of the ranks of one MPI job (`MPI_COMM_WORLD`).
///
/// Every combine is deterministic and gives every rank the same bits:
///
/// - Small values (ln Z_B partials, batch-norm sums, loss terms, messages) are gathered from
///   every rank, and each rank adds them up itself in rank order, starting from rank 0's.
/// - Gradients are reduced in two exchanges. The range is cut into one chunk per rank. Each
///   rank receives every rank's copy of its own chunk (an all-to-all) and adds the copies in
///   rank order. Then every rank gathers all the summed chunks (an all-gather). Each
///   element is thus added in rank order by one rank and copied to the others, while every
///   rank sends and receives about twice the gradient size, as a ring all-reduce does.
///
/// Every call runs on the coordinator thread, never on the step's workers, so MPI is asked
/// for `MPI_THREAD_SERIALIZED`. Calls post non-blocking operations and poll them, yielding
/// the core between polls so the workers of an oversubscribed machine are not starved. A
/// call that waits longer than ``timeoutSeconds`` ends the whole job with `MPI_Abort`: a rank
/// that hangs cannot make the others wait forever. A rank that dies is noticed by `mpirun`,
/// which ends the others.
public final class MPIProcessGroup: ProcessGroup {
  public let rank: Int
  public let size: Int
  public private(set) var communicationSeconds = 0.0

  /// How long one call may wait for the other ranks before the job is aborted.
  public var timeoutSeconds: Double

  /// The tool whose name starts the timeout message.
  public var toolName = "sgan"

  private let communicator = sgan_mpi_comm_world()

  // A non-blocking call reads and writes its buffers, counts and offsets until it completes,
  // after the call returns, so they live here at fixed addresses rather than in Swift arrays,
  // whose storage may be released right after their last use.
  private let doublesSent = PinnedBuffer<Double>()
  private let doublesReceived = PinnedBuffer<Double>()
  private let floatsReceived = PinnedBuffer<Float>()
  private let bytesSent = PinnedBuffer<UInt8>()
  private let bytesReceived = PinnedBuffer<UInt8>()
  private let sendCounts: PinnedBuffer<Int32>
  private let sendOffsets: PinnedBuffer<Int32>
  private let receiveCounts: PinnedBuffer<Int32>
  private let receiveOffsets: PinnedBuffer<Int32>

  /// Starts MPI in this process, which `mpirun` launched.
  ///
  /// Call once, before any other MPI use, and end with ``finish()`` or ``abort(status:)``.
  public init(timeoutSeconds: Double = 300) {
    var provided: Int32 = 0
    let status = MPI_Init_thread(nil, nil, sgan_mpi_thread_serialized(), &provided)
    precondition(status == sgan_mpi_success(), "MPI_Init_thread failed with status \(status)")
    var rank: Int32 = 0
    var size: Int32 = 0
    MPI_Comm_rank(communicator, &rank)
    MPI_Comm_size(communicator, &size)
    self.rank = Int(rank)
    self.size = Int(size)
    self.timeoutSeconds = timeoutSeconds
    sendCounts = PinnedBuffer(capacity: Int(size))
    sendOffsets = PinnedBuffer(capacity: Int(size))
    receiveCounts = PinnedBuffer(capacity: Int(size))
    receiveOffsets = PinnedBuffer(capacity: Int(size))
  }

  /// Ends MPI in this process after a normal finish; every rank must call it.
  public func finish() {
    MPI_Finalize()
  }

  /// Ends the whole job at once: `mpirun` stops every rank and reports this rank's status.
  public func abort(status: Int32) -> Never {
    MPI_Abort(communicator, status)
    exit(status)
  }

  // MARK: ProcessGroup

  public func allReduce(_ partial: LogSumExpPartial) -> LogSumExpPartial {
    timed {
      let sent = doublesSent.reserve(2)
      sent[0] = partial.maximum
      sent[1] = partial.scaledSum
      let gathered = gatherDoubles(count: 2, "combining ln Z_B")
      var total = LogSumExpPartial.empty
      for r in 0..<size {
        total = total.combined(
          with: LogSumExpPartial(maximum: gathered[2 * r], scaledSum: gathered[2 * r + 1]))
      }
      return total
    }
  }

  public func allReduce(_ sums: ChannelSums) {
    timed {
      let channels = sums.channels
      let stride = 1 + 2 * channels
      let sent = doublesSent.reserve(stride)
      sent[0] = Double(sums.count)
      (sent + 1).update(from: sums.sum, count: channels)
      (sent + 1 + channels).update(from: sums.sumOfProducts, count: channels)
      let gathered = gatherDoubles(count: stride, "combining batch-norm sums")

      sums.reset()
      var count = 0.0
      for r in 0..<size {
        let base = r * stride
        count += gathered[base]
        for c in 0..<channels {
          sums.sum[c] += gathered[base + 1 + c]
          sums.sumOfProducts[c] += gathered[base + 1 + channels + c]
        }
      }
      sums.count = Int(count)
    }
  }

  public func allReduce(_ values: UnsafeMutablePointer<Double>, count: Int) {
    timed {
      doublesSent.reserve(count).update(from: values, count: count)
      let gathered = gatherDoubles(count: count, "adding loss terms")
      for i in 0..<count {
        var total = 0.0
        for r in 0..<size {
          total += gathered[r * count + i]
        }
        values[i] = total
      }
    }
  }

  public func allReduce(gradients: Tensor, range: Range<Int>) {
    guard size > 1, !range.isEmpty else { return }
    timed {
      let chunks = splitRange(count: range.count, parts: size)
      let own = chunks[rank]
      let base = gradients.pointer + range.lowerBound
      let received = floatsReceived.reserve(own.count * size)
      for r in 0..<size {
        sendCounts.pointer[r] = Int32(chunks[r].count)
        sendOffsets.pointer[r] = Int32(chunks[r].lowerBound)
        receiveCounts.pointer[r] = Int32(own.count)
        receiveOffsets.pointer[r] = Int32(r * own.count)
      }

      // Every rank sends chunk r to rank r and receives its own chunk from every rank.
      var request: MPI_Request? = sgan_mpi_request_null()
      MPI_Ialltoallv(
        base, sendCounts.pointer, sendOffsets.pointer, sgan_mpi_float(), received,
        receiveCounts.pointer, receiveOffsets.pointer, sgan_mpi_float(), communicator, &request)
      wait(&request, "reducing gradients")

      // The sum of this rank's chunk, in rank order.
      let destination = base + own.lowerBound
      destination.update(from: received, count: own.count)
      for r in 1..<size {
        let copy = received + r * own.count
        for i in 0..<own.count {
          destination[i] += copy[i]
        }
      }

      // Every rank gathers every summed chunk in place.
      MPI_Iallgatherv(
        sgan_mpi_in_place(), 0, sgan_mpi_float(), base, sendCounts.pointer, sendOffsets.pointer,
        sgan_mpi_float(), communicator, &request)
      wait(&request, "sharing reduced gradients")
    }
  }

  public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
    timed {
      let lengthSent = sendCounts.pointer
      lengthSent[0] = Int32(bytes.count)
      let lengths = receiveCounts.pointer
      var request: MPI_Request? = sgan_mpi_request_null()
      MPI_Iallgather(
        lengthSent, 1, sgan_mpi_int(), lengths, 1, sgan_mpi_int(), communicator, &request)
      wait(&request, "exchanging status")

      let offsets = receiveOffsets.pointer
      offsets[0] = 0
      for r in 1..<max(size, 1) {
        offsets[r] = offsets[r - 1] + lengths[r - 1]
      }
      let total = Int(offsets[size - 1] + lengths[size - 1])
      let sent = bytesSent.reserve(max(bytes.count, 1))
      sent.update(from: bytes, count: bytes.count)
      let gathered = bytesReceived.reserve(max(total, 1))
      MPI_Iallgatherv(
        sent, Int32(bytes.count), sgan_mpi_byte(), gathered, lengths, offsets, sgan_mpi_byte(),
        communicator, &request)
      wait(&request, "exchanging status")
      return (0..<size).map { r in
        Array(UnsafeBufferPointer(start: gathered + Int(offsets[r]), count: Int(lengths[r])))
      }
    }
  }

  // MARK: Helpers

  /// Runs `body` and adds its time to ``communicationSeconds``.
  private func timed<Result>(_ body: () -> Result) -> Result {
    let start = monotonicSeconds()
    defer { communicationSeconds += monotonicSeconds() - start }
    return body()
  }

  /// Gathers the first `count` values of ``doublesSent`` (the same count on every rank) from
  /// every rank, in rank order, into ``doublesReceived``, without allocating.
  private func gatherDoubles(count: Int, _ what: String) -> UnsafeBufferPointer<Double> {
    let sent = doublesSent.reserve(count)
    let received = doublesReceived.reserve(count * size)
    var request: MPI_Request? = sgan_mpi_request_null()
    MPI_Iallgather(
      sent, Int32(count), sgan_mpi_double(), received, Int32(count), sgan_mpi_double(),
      communicator, &request)
    wait(&request, what)
    return UnsafeBufferPointer(start: received, count: count * size)
  }

  /// Polls `request` until it completes; aborts the job after ``timeoutSeconds``.
  ///
  /// For the first millisecond it polls and yields the core to any runnable thread, since
  /// most exchanges finish within it and each poll advances MPI's progress. Then it sleeps
  /// 100 µs between polls, so a rank that waits long (for a checkpoint that rank 0 writes)
  /// does not burn a core.
  private func wait(_ request: inout MPI_Request?, _ what: String) {
    let start = monotonicSeconds()
    var done: Int32 = 0
    while true {
      MPI_Test(&request, &done, sgan_mpi_status_ignore())
      if done != 0 { return }
      let waited = monotonicSeconds() - start
      if waited < 1e-3 {
        sched_yield()
        continue
      }
      var pause = timespec(tv_sec: 0, tv_nsec: 100_000)
      nanosleep(&pause, nil)
      if waited > timeoutSeconds {
        let message =
          "\(toolName): error: rank \(rank): no answer from another rank for "
          + "\(Int(timeoutSeconds)) s while \(what), so a rank has died, stopped or hangs; "
          + "ending the job. If a rank is only slow (rank 0 writing a large checkpoint), raise "
          + "--rank-timeout."
        fputs(message + "\n", stderr)
        abort(status: 1)
      }
    }
  }
}

/// Memory at a fixed address that grows on request, for the buffers of non-blocking calls.
final class PinnedBuffer<Element> {
  private(set) var pointer: UnsafeMutablePointer<Element>
  private var capacity: Int

  init(capacity: Int = 1) {
    self.capacity = max(capacity, 1)
    pointer = .allocate(capacity: self.capacity)
  }

  deinit {
    pointer.deallocate()
  }

  /// Returns room for at least `count` elements, moving the buffer only when it grows; the
  /// contents are not kept.
  func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
    if count > capacity {
      pointer.deallocate()
      capacity = count
      pointer = .allocate(capacity: count)
    }
    return pointer
  }
}
