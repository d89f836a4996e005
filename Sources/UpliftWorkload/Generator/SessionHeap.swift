/// Open sessions ordered by the time of their next event (a binary min-heap over slot
/// indices), so lines come out in time order across interleaved sessions.
package struct SessionHeap: Sendable {
    private var slots: [OpenSession] = []
    private var free: [Int32] = []
    private var heap: [(time: Int64, slot: Int32)] = []

    package init() {}

    package var isEmpty: Bool { heap.isEmpty }
    package var topTime: Int64 { heap.isEmpty ? .max : heap[0].time }

    package mutating func push(_ session: OpenSession) {
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            slots[Int(slot)] = session
        } else {
            slot = Int32(slots.count)
            slots.append(session)
        }
        heap.append((session.nextMs, slot))
        siftUp(heap.count - 1)
    }

    /// The session with the earliest next event; the heap must not be empty.
    package var top: OpenSession { slots[Int(heap[0].slot)] }

    /// Puts back the advanced top session: re-sorted, or dropped when it has no events left.
    package mutating func replaceTop(_ session: OpenSession) {
        let slot = heap[0].slot
        slots[Int(slot)] = session
        if session.step >= session.length {
            free.append(slot)
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        } else {
            heap[0].time = session.nextMs
            siftDown(0)
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].time < heap[b].time || (heap[a].time == heap[b].time && heap[a].slot < heap[b].slot)
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) >> 1
            guard less(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count && less(left + 1, left) { smallest = left + 1 }
            guard less(smallest, parent) else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
