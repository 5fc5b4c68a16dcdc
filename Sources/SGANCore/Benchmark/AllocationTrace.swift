#if canImport(Glibc)
  import Glibc
#endif

/// Counts heap allocations with glibc's malloc trace (`mtrace`).
///
/// Since glibc 2.34 the trace works only when `libc_malloc_debug.so` is preloaded and
/// `MALLOC_TRACE` names the trace file, for example:
///
///     MALLOC_TRACE=/tmp/sgan.trace \
///       LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so sgan-bench allocations
///
/// Without both, ``count(during:)`` returns nil. Tracing covers every thread of the process, so
/// the count is exact only while no other thread allocates.
public enum AllocationTrace {
  /// Returns the number of `malloc`, `calloc` and `realloc` calls made while `body` runs, or
  /// nil when tracing is unavailable.
  public static func count(during body: () -> Void) -> Int? {
    #if canImport(Glibc)
      // libc_malloc_debug.so exports mtrace only under the non-default version GLIBC_2.2.5,
      // which plain dlsym skips, so the lookup goes through dlvsym (not in Swift's Glibc
      // module, hence itself found with dlsym).
      typealias VersionedLookup =
        @convention(c) (
          UnsafeMutableRawPointer?, UnsafePointer<CChar>, UnsafePointer<CChar>
        ) -> UnsafeMutableRawPointer?
      typealias TraceFunction = @convention(c) () -> Void
      guard let path = getenv("MALLOC_TRACE").map({ String(cString: $0) }),
        let handle = dlopen(nil, RTLD_NOW),
        let lookupAddress = dlsym(handle, "dlvsym")
      else { return nil }
      let lookup = unsafeBitCast(lookupAddress, to: VersionedLookup.self)
      guard let start = lookup(handle, "mtrace", "GLIBC_2.2.5"),
        let stop = lookup(handle, "muntrace", "GLIBC_2.2.5")
      else { return nil }

      unsafeBitCast(start, to: TraceFunction.self)()
      body()

      // One allocation of our own proves that the trace is recording; it is not counted.
      // The call goes through a looked-up pointer because the optimiser deletes a plain
      // malloc that is freed unused.
      typealias Allocate = @convention(c) (Int) -> UnsafeMutableRawPointer?
      if let allocateAddress = lookup(handle, "malloc", "GLIBC_2.2.5") {
        free(unsafeBitCast(allocateAddress, to: Allocate.self)(64))
      }
      unsafeBitCast(stop, to: TraceFunction.self)()

      guard let lines = allocationLines(inTraceFile: path), lines > 0 else { return nil }
      return lines - 1
    #else
      return nil
    #endif
  }

  #if canImport(Glibc)
    /// Counts the lines of a trace file that record a new block: `+` for malloc and calloc,
    /// `>` for the result of realloc.
    private static func allocationLines(inTraceFile path: String) -> Int? {
      guard let file = fopen(path, "r") else { return nil }
      defer { fclose(file) }

      var count = 0
      var line: UnsafeMutablePointer<CChar>?
      var capacity = 0
      defer { free(line) }
      while getline(&line, &capacity, file) > 0 {
        let text = String(cString: line!)
        if text.contains(" + ") || text.contains(" > ") { count += 1 }
      }
      return count
    }
  #endif
}
