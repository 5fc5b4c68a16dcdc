import Dispatch
import Synchronization

/// Runs `body(worker, index)` once for every index in `0..<count`, on
/// `workerCount` Dispatch workers.
///
/// The workers are the iterations of one `concurrentPerform`, so worker w
/// never runs on two threads at once and can own state (such as a TurboJPEG
/// handle) indexed by w. Each worker takes the next index from a shared
/// atomic counter, which balances images of uneven cost. Dispatch runs at
/// most as many iterations at once as there are active cores, so a
/// `workerCount` above the core count adds workers that find the counter
/// already exhausted. Returns when every index has run.
func runParallelLoop(count: Int, workerCount: Int, body: (_ worker: Int, _ index: Int) -> Void) {
  precondition(workerCount > 0, "Worker count must be positive, got \(workerCount)")
  if workerCount == 1 || count <= 1 {
    for index in 0..<count { body(0, index) }
    return
  }

  let iterations = min(workerCount, count)
  guard #available(macOS 15.0, *) else {
    // Synchronization's Atomic needs macOS 15. Older systems give each
    // worker a fixed stride of indices instead of a shared counter.
    DispatchQueue.concurrentPerform(iterations: iterations) { worker in
      for index in stride(from: worker, to: count, by: iterations) { body(worker, index) }
    }
    return
  }
  let next = Atomic<Int>(0)
  DispatchQueue.concurrentPerform(iterations: iterations) { worker in
    while true {
      let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
      if index >= count { return }
      body(worker, index)
    }
  }
}
