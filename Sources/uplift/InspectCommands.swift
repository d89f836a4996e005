import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show events, segments and bytes on disk, per project and per column.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this project.") var project: String?

    func run() async throws {
        try await reportingErrors {
            let dir = dataOptions.directory
            let manifest = try await liveManifest(dataOptions, catalogOptions, storageOptions)
            var projects = try project.map { [try projectSlug($0)] } ?? ProjectStats.projects(dataDirectory: dir)
            if project == nil, let manifest { projects = Set(manifest.map(\.project)).sorted() }
            let all = try projects.map { p throws(UpliftError) in
                try ProjectStats.read(
                    dataDirectory: dir, project: p, manifest: manifest, cache: storageOptions.cacheDirectory)
            }
            let logBytes = ProjectStats.logBytes(dataDirectory: dir)
            if output.json {
                Console.json(
                    .object([
                        (
                            "projects",
                            .array(
                                all.map { s in
                                    .object([
                                        ("project", .string(s.project.value)), ("events", .int(s.events)),
                                        ("segments", .int(s.segments)),
                                        ("days", .int(s.days)),
                                        ("first_day", s.firstDay.map { .string($0.description) } ?? .null),
                                        ("last_day", s.lastDay.map { .string($0.description) } ?? .null),
                                        ("bytes", .int(Int(s.bytes))),
                                        ("bytes_per_event", .double((s.bytesPerEvent * 100).rounded() / 100)),
                                        (
                                            "columns",
                                            .array(
                                                s.columns.map { c in
                                                    .object([
                                                        ("name", .string(c.name)), ("bytes", .int(Int(c.bytes))),
                                                        ("uncompressed_bytes", .int(Int(c.uncompressedBytes))),
                                                    ])
                                                })
                                        ),
                                    ])
                                })
                        ),
                        ("log_bytes", .int(Int(logBytes))),
                    ]))
                return
            }
            if all.isEmpty { print("no projects in \(dir)") }
            for s in all {
                let range = s.firstDay.map { "\($0) … \(s.lastDay!)" } ?? "no days"
                print(
                    "project \(s.project): \(grouped(s.events)) events in \(grouped(s.segments)) segments over \(s.days) days (\(range))"
                )
                print("\(humanBytes(s.bytes)) on disk, \(String(format: "%.1f", s.bytesPerEvent)) bytes per event\n")
                var table = Table(header: ["column", "on disk", "bytes/event", "share", "uncompressed"])
                for c in s.columns.sorted(by: { $0.bytes > $1.bytes }) {
                    let perEvent = s.events == 0 ? 0 : Double(c.bytes) / Double(s.events)
                    let share = s.bytes == 0 ? 0 : 100 * Double(c.bytes) / Double(s.bytes)
                    table.rows.append([
                        c.name, humanBytes(c.bytes), String(format: "%.2f", perEvent), String(format: "%.1f%%", share),
                        humanBytes(c.uncompressedBytes),
                    ])
                }
                print(table.render() + "\n")
            }
            if logBytes > 64 { print("write-ahead log: \(humanBytes(logBytes)) not yet in segments") }
        }
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every segment and the write-ahead log; exit 1 if anything is wrong.",
        discussion:
            "Reads every page (checksums, counts, schema), checks each event lies in its day and no event id is stored twice in a day, and checks every log record. The segments checked are the live ones of the catalog's segment manifest, each against its row (present, size, CRC-32C); a file the manifest does not name (left by a crash) is noted, not counted. Changes nothing."
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var manifest: [SegmentRecord]?
        try await reportingErrors { manifest = try await liveManifest(dataOptions, catalogOptions, storageOptions) }
        let report = StoreVerifier.verify(
            dataDirectory: dataOptions.directory, manifest: manifest, cache: storageOptions.cacheDirectory)
        if output.json {
            Console.json(
                .object([
                    ("ok", .bool(report.isClean)), ("segments", .int(report.segments)), ("events", .int(report.events)),
                    ("log_files", .int(report.logFiles)), ("log_records", .int(report.logRecords)),
                    (
                        "problems",
                        .array(
                            report.problems.map {
                                .object([("path", .string($0.path)), ("message", .string($0.message))])
                            })
                    ),
                    (
                        "notes",
                        .array(
                            report.notes.map {
                                .object([("path", .string($0.path)), ("message", .string($0.message))])
                            })
                    ),
                ]))
        } else {
            for p in report.problems { Console.error("problem: \(p)") }
            for n in report.notes { Console.error("note: \(n)") }
            print(
                "verified \(grouped(report.segments)) segments (\(grouped(report.events)) events) and \(report.logFiles) log files (\(grouped(report.logRecords)) records): \(report.isClean ? "ok" : "\(report.problems.count) problems")"
            )
        }
        if !report.isClean { throw ExitCode.failure }
    }

}

struct Compact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the small segments of each day into large sorted ones.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var writeOptions: WriteOptions
    @OptionGroup var nodeOptions: NodeOptions
    @Option(help: "Only this project.") var project: String?
    @Flag(help: "Rewrite days even when they are already compacted (e.g. after changing the sort order).") var force =
        false

    func run() async throws {
        try await reportingErrors {
            var configuration = dataOptions.storeConfiguration()
            try writeOptions.configure(&configuration)
            let only = try project.map(projectSlug)
            let total = try await withCatalog(dataOptions, catalogOptions) { catalog in
                try await withStore(configuration, dataOptions, storageOptions, nodeOptions, catalog: catalog) {
                    store in
                    var total = CompactionReport()
                    var expired = CompactionReport()
                    var projects = await store.projects()
                    if let only { projects = [only] }
                    for p in projects {
                        // Days past the project's retention are deleted first, not rewritten.
                        await store.retain(project: p, days: try await catalog.project(p)?.settings.retentionDays ?? 0)
                        let gone = try await store.expire(project: p)
                        expired.partitions += gone.partitions
                        expired.segmentsRead += gone.segmentsRead
                        let r = try await store.compact(project: p, force: force)
                        total.partitions += r.partitions
                        total.segmentsRead += r.segmentsRead
                        total.segmentsWritten += r.segmentsWritten
                    }
                    return (total, expired)
                }
            }
            if output.json {
                Console.json(
                    .object([
                        ("days", .int(total.0.partitions)), ("segments_read", .int(total.0.segmentsRead)),
                        ("segments_written", .int(total.0.segmentsWritten)),
                        ("expired_days", .int(total.1.partitions)), ("expired_segments", .int(total.1.segmentsRead)),
                    ]))
            } else {
                if total.1.partitions > 0 {
                    print(
                        "deleted \(total.1.partitions) days past retention (\(total.1.segmentsRead) segments)")
                }
                print(
                    "compacted \(total.0.partitions) days: \(total.0.segmentsRead) segments merged into \(total.0.segmentsWritten)"
                )
            }
        }
    }
}

/// The manifest's live segments of the data directory, for `verify` and `stats`; nil when no catalog holds
/// them (a bare directory: no catalog is created to find out; or one no store has opened since the
/// manifest existed).
/// With a bucket (`--storage`) the segments the data directory (its cache) lacks are downloaded first, each
/// checked against its row.
func liveManifest(
    _ dataOptions: DataOptions, _ catalogOptions: CatalogOptions, _ storageOptions: StorageOptions
) async throws -> [SegmentRecord]? {
    let shared = try storageOptions.shared()
    let configured = catalogOptions.catalog ?? ProcessInfo.processInfo.environment["UPLIFT_CATALOG"]
    if shared == nil, configured?.isEmpty ?? true,
        case .sqlite(let path) = CatalogURL.defaultURL(dataDirectory: dataOptions.directory),
        !FileManager.default.fileExists(atPath: path)
    {
        return nil
    }
    return try await withCatalog(dataOptions, catalogOptions) { catalog in
        guard
            let registry = CatalogSegmentRegistry.reading(
                catalog: catalog, dataDirectory: dataOptions.directory, shared: shared),
            try await registry.isAdopted()
        else { return shared == nil ? nil : [] }
        let live = try await registry.live()
        _ = try await shared?.materialize(live, layout: storageOptions.layout(dataDirectory: dataOptions.directory))
        return live
    }
}
