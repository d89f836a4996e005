import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one pool of OS threads for work that must not run on an event loop or on Swift's
/// cooperative pool: blocking file I/O (segment writes and reads, fsyncs) and CPU-heavy work
/// (queries, flush and compaction encoding), submitted with async/await, and the data-parallel
/// loops of the analysis engine. Sized from the active processor count, in two lanes of that many
/// threads each:
/// - `interactive`, at nice 5: queries, and the parallel loops they start. The threads that answer
///   requests (event loops, the cooperative pool) and the log writer stay at nice 0, so a query
///   uses every idle core but a health check or an ingest request that needs one gets it at once
///   (three times a query thread's weight when both wait): queries cannot starve ingestion, however
///   many run or however long;
/// - `background`, at nice 10: the store's flushes, compactions and deallocations. When a request
///   and a flush compete for a core, the kernel runs the request first, so on a small machine a
///   flush slows down instead of every request behind it (the server's p99 at half load).
///
/// Two lanes rather than one queue with a priority per job: a queue can order jobs that wait, but
/// not take a core back from a job already running, and a thread that lowered its priority for a
/// background job cannot raise it again without CAP_SYS_NICE.
package final class WorkPool: Sendable {
    package enum Lane: Sendable {
        case interactive
        case background
    }

    /// The process's pool: `activeProcessorCount` threads per lane.
    package static let shared = WorkPool(threadsPerLane: activeProcessorCount)

    /// Online processors (2 on the project's machine).
    package static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Threads per lane: how many jobs of one lane run at once, and the width of parallel loops.
    package let width: Int
    private let interactive = ConditionLock(JobQueue())
    private let background = ConditionLock(JobQueue())

    private struct JobQueue {
        private var jobs: [@Sendable () -> Void] = []
        private var head = 0

        var isEmpty: Bool { head == jobs.count }

        mutating func push(_ job: @escaping @Sendable () -> Void) { jobs.append(job) }

        mutating func pop() -> @Sendable () -> Void {
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    package init(threadsPerLane: Int) {
        width = max(1, threadsPerLane)
        for (queue, nice) in [(interactive, Int32(5)), (background, Int32(10))] {
            for _ in 0..<width {
                let started = OSThread.start {
                    // On Linux the nice value is per thread; `who` 0 is the calling thread.
                    if nice != 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) }
                    while true {
                        let job = queue.wait(until: { !$0.isEmpty }) { $0.pop() }
                        job()
                    }
                }
                precondition(started != nil, "cannot start a worker thread")
            }
        }
    }

    private func submit(_ lane: Lane, _ job: @escaping @Sendable () -> Void) {
        (lane == .interactive ? interactive : background).withLockSignalling { $0.push(job) }
    }

    /// Runs `body` on a thread of `lane` and resumes the caller with its result. `body` and what it captures
    /// are released before the caller resumes, so a caller that drops its last reference to something the
    /// body captured (a snapshot's pins, say) sees it go at once, not whenever the worker thread moves on.
    package func run<T: Sendable, E: Error>(
        _ lane: Lane, _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let call = Call(body)
        let outcome: Result<T, E> = await withCheckedContinuation { continuation in
            submit(lane) { continuation.resume(returning: call.run()) }
        }
        return try outcome.get()
    }

    /// A body run once, then dropped.
    private final class Call<T, E: Error>: @unchecked Sendable {
        /// Only touched by the one job that runs it.
        private var body: (@Sendable () throws(E) -> T)?
        init(_ body: @escaping @Sendable () throws(E) -> T) { self.body = body }

        func run() -> Result<T, E> {
            guard let body else { preconditionFailure("a pool call runs once") }
            self.body = nil
            return Result { () throws(E) in try body() }
        }
    }

    /// Drops `value` on a background thread, so that freeing a large structure does not stall the caller.
    package func release<T: Sendable>(_ value: consuming T) {
        let box = Box(value)
        submit(.background) { box.value = nil }
    }

    private final class Box<T>: @unchecked Sendable {
        /// Only touched by the one job that clears it.
        var value: T?
        init(_ value: T) { self.value = value }
    }

    /// Calls `body` once for every index in `0..<iterations`, on up to `width` threads at once: the
    /// caller's and threads of `lane`. The caller takes part and waits only for helpers that started,
    /// so a loop started on a pool thread never waits for a thread that is busy (no deadlock when every
    /// thread runs such a loop); it returns once every index has been done.
    package func parallelFor(_ lane: Lane = .interactive, iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1, width > 1 else {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let loop = ParallelLoop(iterations: iterations, body: body)
            for _ in 1..<min(width, iterations) { submit(lane) { loop.help() } }
            loop.work(body)
            loop.finish()
        }
    }
}

/// The shared state of one `parallelFor`: the next index, and the helpers running its body. The
/// body is handed out under the lock and dropped once the loop is finished, so a helper that starts
/// later never calls it (it does not outlive the call).
private final class ParallelLoop: @unchecked Sendable {
    private struct State {
        var body: ((Int) -> Void)?
        var running = 0
    }

    private let iterations: Int
    private let next = Atomic<Int>(0)
    private let state: ConditionLock<State>

    init(iterations: Int, body: @escaping (Int) -> Void) {
        self.iterations = iterations
        state = ConditionLock(State(body: body))
    }

    func help() {
        guard helpIfOpen() else { return }
        state.withLockSignalling { $0.running -= 1 }
    }

    /// Works through indexes if the loop still runs; the body is let go when this returns, before
    /// `finish` can see this helper stop.
    private func helpIfOpen() -> Bool {
        let body: ((Int) -> Void)? = state.withLockSignalling { state in
            guard let body = state.body else { return nil }
            state.running += 1
            return body
        }
        guard let body else { return false }
        work(body)
        return true
    }

    func work(_ body: (Int) -> Void) {
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < iterations else { return }
            body(i)
        }
    }

    /// Stops handing out the body and waits for the helpers that run it.
    func finish() {
        state.withLockSignalling { $0.body = nil }
        state.wait(until: { $0.running == 0 }, then: { _ in })
    }
}
