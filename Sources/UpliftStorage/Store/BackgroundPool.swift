#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
package import UpliftModel

/// Two OS threads at a lower scheduling priority (nice 10) for the CPU-heavy background work of
/// the store: encoding flushed and compacted segments. On a small machine a flush takes a whole
/// core for a second or more; at nice 10 the threads that answer requests preempt it, so the
/// flush slows down instead of every request behind it (the server's p99 at half load).
package final class BackgroundPool: Sendable {
    package static let shared = BackgroundPool(threads: 2)

    private struct Jobs {
        var pending: [@Sendable () -> Void] = []
    }

    private let jobs = ConditionLock(Jobs())

    private init(threads: Int) {
        for _ in 0..<threads {
            _ = OSThread.start { [jobs] in
                // On Linux the nice value is per thread; `who` 0 is the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                while true {
                    let job = jobs.wait(until: { !$0.pending.isEmpty }) { $0.pending.removeFirst() }
                    job()
                }
            }
        }
    }

    /// Drops `value` on a background thread, so that freeing a large structure does not stall the caller.
    package func release<T: Sendable>(_ value: consuming T) {
        let box = Box(value)
        jobs.withLockSignalling { $0.pending.append { box.value = nil } }
    }

    private final class Box<T>: @unchecked Sendable {
        /// Only touched by the one job that clears it.
        var value: T?
        init(_ value: T) { self.value = value }
    }

    /// Runs `body` on a background thread and resumes the caller with its result.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws(UpliftError) -> T) async throws(UpliftError) -> T {
        let result: Result<T, UpliftError> = await withCheckedContinuation { continuation in
            jobs.withLockSignalling { jobs in
                jobs.pending.append {
                    do throws(UpliftError) { continuation.resume(returning: .success(try body())) } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        }
        return try result.get()
    }
}
