import AsyncAlgorithms
import Logging
import ServiceLifecycle
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// Runs the store's background work while the server runs: the flusher (log → segments), ticking on
/// the store's clock, and a compactor that merges each closed day's flushed segments into sorted ones
/// (and a day whose segments pile up), every `compactionInterval` on `clock`, after deleting the days past
/// each project's retention (read from `catalog` then, and when the service starts). Both loops end on
/// graceful shutdown (after the server has stopped accepting and answered what it had); the store
/// then flushes everything to segments and closes the log.
struct StoreService: Service {
    let store: EventStore
    let logger: Logger
    /// Where each project's retention is read from; without one the store keeps what it was told.
    var catalog: Catalog? = nil
    /// Finishes begun erasures: when the service starts, and on every compaction tick.
    var erasures: ErasureRunner? = nil
    var compactionInterval: Duration = .seconds(60)
    var clock: any Clock<Duration> = ContinuousClock()

    func run() async throws {
        let flushing = await store.configuration
        await readRetention()
        erasures?.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await runFlusher(every: flushing.flushInterval / 4, on: flushing.clock) }
            group.addTask { await compactPeriodically(on: clock) }
        }
        logger.info("flushing the event store before exit")
        try await store.close()
    }

    private func runFlusher<C: Clock<Duration>>(every interval: Duration, on clock: C) async {
        let ticks = AsyncTimerSequence(interval: interval, clock: clock)
        await store.runFlusher(ticks: ticks.cancelOnGracefulShutdown())
    }

    private func compactPeriodically<C: Clock<Duration>>(on clock: C) async {
        var lastOrphanSweep: C.Instant?
        for await _ in AsyncTimerSequence(interval: compactionInterval, clock: clock).cancelOnGracefulShutdown() {
            await compactClosedDays()
            // With a shared storage, about once an hour: objects a node uploaded and died before recording.
            if lastOrphanSweep.map({ $0.duration(to: clock.now) >= .seconds(3600) }) ?? true {
                lastOrphanSweep = clock.now
                do {
                    let deleted = try await store.sweepOrphans(olderThan: .seconds(3600))
                    if deleted > 0 { logger.info("deleted orphan segments", metadata: ["store.orphans": "\(deleted)"]) }
                } catch {
                    logger.error("deleting orphan segments failed; will retry", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Tells the store every project's retention (a change made with `uplift project set` is seen here, and by
    /// the next question on the project).
    private func readRetention() async {
        guard let catalog else { return }
        do {
            for project in try await catalog.projects() {
                await store.retain(project: project.slug, days: project.settings.retentionDays)
            }
        } catch {
            logger.error("reading the projects' retention failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    private func compactClosedDays() async {
        do {
            try await store.sweepReplaced()
        } catch {
            logger.error("deleting replaced segments failed; will retry", metadata: ["error": "\(error)"])
        }
        await readRetention()
        erasures?.start()
        let today = UTCDay(microseconds: Timestamp.now())
        for project in await store.projects() {
            do {
                let expired = try await store.expire(project: project)
                if expired.partitions > 0 {
                    logger.info(
                        "deleted days past retention",
                        metadata: [
                            "store.project": "\(project)", "store.partitions": "\(expired.partitions)",
                            "store.segments.deleted": "\(expired.segmentsRead)",
                        ])
                }
            } catch {
                logger.error(
                    "deleting days past retention failed; will retry",
                    metadata: ["store.project": "\(project)", "error": "\(error)"])
            }
            let days = await store.daysToCompact(project: project, today: today)
            guard !days.isEmpty else { continue }
            do {
                let report = try await store.compact(project: project, days: days)
                logger.info(
                    "compacted",
                    metadata: [
                        "store.project": "\(project)", "store.partitions": "\(report.partitions)",
                        "store.segments.read": "\(report.segmentsRead)",
                        "store.segments.written": "\(report.segmentsWritten)",
                    ])
            } catch {
                logger.error(
                    "compaction failed; will retry", metadata: ["store.project": "\(project)", "error": "\(error)"])
            }
        }
    }
}
