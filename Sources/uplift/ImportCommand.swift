import ArgumentParser
import Foundation
import Synchronization
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import NDJSON files of Segment or PostHog messages into a project.",
        discussion: """
            One message (or one batch) per line; gzip files are read as they are; `-` reads standard input. \
            A bad line is reported on standard error with its line number and reason and skipped. Events \
            already stored (same event id) are counted as duplicates, so importing a file twice adds nothing. \
            The project's days touched by the import are compacted at the end.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var writeOptions: WriteOptions
    @OptionGroup var nodeOptions: NodeOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project slug (lowercase letters, digits, dashes).") var project: String
    @Flag(help: "Do not compact the days touched by the import.") var noCompact = false
    @Option(help: "Write segments whenever this many events wait in the log (memory versus segment count).")
    var flushEvents: Int?
    @Argument(help: "NDJSON files (.gz accepted), or - for standard input.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import, or - for standard input") }
        _ = try projectSlug(project)
    }

    func run() async throws {
        let project = try projectSlug(self.project)
        try await reportingErrors {
            var configuration = dataOptions.storeConfiguration()
            if let flushEvents { configuration.flushEvents = max(1, flushEvents) }
            try writeOptions.configure(&configuration)
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                // The store first: a data directory locked by a running server refuses the import before
                // anything (the project) is created. Its segments go into the catalog's manifest.
                try await withStore(configuration, dataOptions, storageOptions, nodeOptions, catalog: catalog) {
                    store in
                    try await run(store: store, catalog: catalog, project: project)
                }
            }
        }
    }

    private func run(store: EventStore, catalog: Catalog, project: ProjectSlug) async throws {
        // A local bulk load needs no ceremony: an unknown project is created (without keys).
        if try await catalog.ensureProject(project) {
            Console.error(
                Hint.complete(
                    "created project \(project) (no keys yet: `uplift key create --project \(project) --kind write`)"))
        }
        let started = Date()
        var importer = Importer(store: store, project: project)
        // The project's personal-data controls, as the server applies them: before the log.
        let removed = Mutex(PrivacyCounts())
        if let filter = try await catalog.privacyFilter(project: project) {
            importer.transform = { events in
                let (filtered, counts) = filter.apply(events)
                removed.withLock { $0.add(counts) }
                return filtered
            }
        }
        // Segments are written in the background while lines are decoded.
        let report = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.runFlusher() }
            defer { group.cancelAll() }
            return try await importer.run(
                paths: files,
                onRejected: { r in
                    let at = r.index.map { "line \(r.line), message \($0)" } ?? "line \(r.line)"
                    Console.error("\(r.source): \(at): \(r.code): \(r.message)")
                },
                onProgress: { r in
                    let seconds = max(0.001, Date().timeIntervalSince(started))
                    Console.progress(
                        "import: \(grouped(r.imported)) imported, \(grouped(r.duplicates)) duplicates, \(grouped(r.rejected)) rejected (\(grouped(Int(Double(r.lines) / seconds))) lines/s)"
                    )
                })
        }
        Console.endProgress()
        // The catalog's person links and the store's last flush and compaction touch different
        // things: do them side by side.
        async let linked: Void = link(report.links, project: project, catalog: catalog)
        try await store.flush()
        if !noCompact, report.imported > 0 {
            Console.progress("import: compacting", force: true)
            try await store.compact(project: project)
            Console.endProgress()
        }
        try await linked
        try await store.close()
        let seconds = Date().timeIntervalSince(started)
        if output.json {
            Console.json(
                .object([
                    ("imported", .int(report.imported)), ("duplicates", .int(report.duplicates)),
                    ("rejected", .int(report.rejected)),
                ]))
        } else {
            print(
                "imported \(grouped(report.imported)) events into \(project), \(grouped(report.duplicates)) duplicates, \(grouped(report.rejected)) rejected (\(grouped(report.lines)) lines in \(String(format: "%.1f", seconds)) s)"
            )
            let privacy = removed.withLock { $0 }.byKind.filter { $0.1 > 0 }
            if !privacy.isEmpty {
                print(
                    "personal data removed by the project's controls: "
                        + privacy.map { "\(grouped($0.1)) \($0.0)" }.joined(separator: ", "))
            }
            if report.clamped > 0 {
                print("\(grouped(report.clamped)) events were dated more than 23 h ahead and set to the import time")
            }
        }
    }

    /// Identify and alias messages link ids into persons, retroactively for every query.
    private func link(_ links: [Importer.Link], project: ProjectSlug, catalog: Catalog) async throws {
        guard !links.isEmpty else { return }
        try await catalog.link(project: project, links.map { PersonLink($0.distinctID, $0.linkedID) })
    }
}
