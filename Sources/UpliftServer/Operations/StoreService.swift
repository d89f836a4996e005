import Logging
import ServiceLifecycle
import UpliftModel
import UpliftStorage

/// Runs the store's background work while the server runs: the flusher (log → segments) and a
/// compactor that merges each closed day's flushed segments into sorted ones (and a day whose
/// segments pile up). On shutdown, after the server has stopped accepting and answered what it
/// had, flushes everything to segments and closes the log.
struct StoreService: Service {
    let store: EventStore
    let logger: Logger
    var compactionInterval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await store.runFlusher() }
                group.addTask { await compactPeriodically() }
            }
        }
        logger.info("flushing the event store before exit")
        try await store.close()
    }

    private func compactPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: compactionInterval)
            if Task.isCancelled { return }
            let today = UTCDay(microseconds: Timestamp.now())
            for project in await store.projects() {
                let days = await store.daysToCompact(project: project, today: today)
                guard !days.isEmpty else { continue }
                do {
                    let report = try await store.compact(project: project, days: days)
                    logger.info("compacted", metadata: [
                        "store.project": "\(project)", "store.partitions": "\(report.partitions)",
                        "store.segments.read": "\(report.segmentsRead)", "store.segments.written": "\(report.segmentsWritten)",
                    ])
                } catch {
                    logger.error("compaction failed; will retry", metadata: ["store.project": "\(project)", "error": "\(error)"])
                }
            }
        }
    }
}
