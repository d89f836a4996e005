import Synchronization
import UpliftModel
import UpliftStorage

/// Hands out indexes 0, 1, 2 … to worker threads.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func take(below limit: Int) -> Int? {
        let i = value.wrappingAdd(1, ordering: .relaxed).oldValue
        return i < limit ? i : nil
    }
}

/// One result slot per item, filled by worker threads.
final class ResultSlots<R: Sendable>: Sendable {
    private let slots: Mutex<[Result<R, UpliftError>?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ r: Result<R, UpliftError>) { slots.withLock { $0[i] = r } }
    func values() throws(UpliftError) -> [R] {
        let all = slots.withLock { $0 }
        var out: [R] = []
        out.reserveCapacity(all.count)
        for r in all { out.append(try r!.get()) }
        return out
    }
}

/// Threads a parallel loop runs on: the shared pool's width, the active processor count.
func activeProcessorCount() -> Int { WorkPool.shared.width }
