import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

/// `uplift segments`: the live segments of a project, from the catalog's manifest.
struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "List the live segments of a project (from the catalog's manifest): path, day, rows, bytes.",
        discussion: """
            Exactly the files a query reads now, for DuckDB, Spark or Trino users who want the same events: \
            a directory listing may also show a segment a compaction is replacing, or one a crash left \
            half-written. Events still only in a running server's log are in no segment yet.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project slug.") var project: String
    @Option(help: "Only this UTC day (YYYY-MM-DD).") var day: String?

    func validate() throws {
        _ = try projectSlug(project)
        if let day, UTCDay(day) == nil { throw ValidationError("--day must be a date like 2026-03-01, not '\(day)'") }
    }

    func run() async throws {
        let slug = try projectSlug(project)
        let only = day.flatMap(UTCDay.init)
        try await reportingErrors {
            let shared = try storageOptions.shared()
            let snapshotRecords = try await withCatalog(dataOptions, catalogOptions) { catalog in
                guard
                    let registry = CatalogSegmentRegistry.reading(
                        catalog: catalog, dataDirectory: dataOptions.directory, shared: shared),
                    try await registry.isAdopted()
                else {
                    if shared != nil { return [SegmentRecord]() }
                    throw UpliftError(
                        .notFound,
                        "the catalog has no segment manifest for \(dataOptions.directory) yet: start `uplift serve` or run "
                            + "`uplift compact` on it once")
                }
                return try await catalog.liveSegments(storage: registry.storage, project: slug, day: only)
            }
            let layout = SegmentLayout(root: dataOptions.directory)
            // In a bucket: the object's URL, which DuckDB, Spark and Trino read as they are.
            let place = { (r: SegmentRecord) in
                shared?.objectURL(r.key) ?? layout.path(of: r.key)
            }
            if output.json {
                Console.json(
                    .object([
                        ("project", .string(slug.value)),
                        (
                            "segments",
                            .array(
                                snapshotRecords.map { r in
                                    .object([
                                        ("path", .string(place(r))), ("key", .string(r.key)),
                                        ("day", .string(r.day.description)), ("rows", .int(Int(r.rows))),
                                        ("bytes", .int(Int(r.bytes))),
                                        ("min_time", .string(Timestamp.format(r.minTime))),
                                        ("max_time", .string(Timestamp.format(r.maxTime))),
                                        ("node", .string(r.node)), ("checksum", .string("crc32c:" + r.checksum)),
                                    ])
                                })
                        ),
                    ]))
                return
            }
            var table = Table(header: ["day", "rows", "bytes", "path"])
            for r in snapshotRecords {
                table.rows.append([
                    r.day.description, grouped(Int(r.rows)), humanBytes(r.bytes), place(r),
                ])
            }
            if snapshotRecords.isEmpty {
                print("no segments in \(slug)" + (only.map { " on \($0)" } ?? ""))
            } else {
                print(table.render())
            }
        }
    }
}
