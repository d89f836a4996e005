import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Export or erase what is stored about one person (GDPR articles 15, 17 and 20).",
        subcommands: [PersonExport.self, PersonErase.self, PersonErasures.self])
}

struct PersonExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every stored event and feedback answer of a person as NDJSON.",
        discussion: """
            The person is every distinct id linked to ID by identify or alias. One line per event, in the stored \\
            record's schema (schemas/event-record.schema.json), by time; events still only in the write-ahead \\
            log are included (the store is opened, so a server running on the same data directory must be \\
            stopped first, or asked: GET /v1/persons/{id}/export). Days past the project's retention are not \\
            exported.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var nodeOptions: NodeOptions
    @Option(help: "Project of the person.") var project: String
    @Argument(help: "One distinct id of the person (a user id or an anonymous id).") var id: String

    func run() async throws {
        try await reportingErrors {
            let project = try projectSlug(self.project)
            let configuration = dataOptions.storeConfiguration()
            let lines = try await withCatalog(dataOptions, catalogOptions) { catalog in
                let settings = try await existingProject(catalog, project).settings
                let ids = try await catalog.personIds(project: project, of: id)
                return try await withStore(configuration, dataOptions, storageOptions, nodeOptions, catalog: catalog) {
                    store in
                    await store.retain(project: project, days: settings.retentionDays)
                    let snapshot = try await store.completeSnapshot(project: project)
                    return try PersonEvents.events(of: Set(ids), in: snapshot).map(\.jsonRecord)
                }
            }
            for line in lines { print(line) }
        }
    }
}

struct PersonErase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Remove every stored event and person link of a person, for good.",
        discussion: """
            The person is every distinct id linked to each ID by identify or alias. Before the command returns, \
            the write-ahead log is flushed, every segment holding one of the person's events is rewritten without \
            them (the old files deleted; in a bucket, after the 10-minute grace other nodes' queries get), and \
            the person's ids and links leave the catalog. The erasure log (`uplift person erasures`) keeps when, \
            who, how many events, and keyed hashes of the ids, never the ids. An erasure a crash interrupted is \
            finished by the next `uplift person erase` on the project. Events that arrive later for an erased id \
            start a new person. The store is opened: stop a server running on the same data directory first.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var nodeOptions: NodeOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project of the person.") var project: String
    @Argument(help: "Distinct ids of the person (or of several persons: each is erased whole).") var ids: [String]

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("name at least one distinct id to erase") }
    }

    func run() async throws {
        try await reportingErrors {
            let project = try projectSlug(self.project)
            let configuration = dataOptions.storeConfiguration()
            let done = try await withCatalog(dataOptions, catalogOptions) { catalog in
                _ = try await existingProject(catalog, project)
                return try await withStore(configuration, dataOptions, storageOptions, nodeOptions, catalog: catalog) {
                    store in
                    try await PersonErasure.run(
                        project: project, ids: ids, requestedBy: "cli", catalog: catalog, store: store,
                        dataDirectory: dataOptions.directory)
                }
            }
            if output.json {
                Console.json(
                    .object([
                        (
                            "erasures",
                            .array(
                                done.map { erasure, removed in
                                    .object([
                                        ("id", .string(erasure.id)), ("ids", .int(erasure.idHashes.count)),
                                        ("events_removed", .int(removed)),
                                    ])
                                })
                        )
                    ]))
            } else {
                for (erasure, removed) in done {
                    let what = erasure.idHashes.count == 1 ? "1 id" : "\(erasure.idHashes.count) ids"
                    print("erased \(what) of \(project): \(grouped(removed)) events removed (\(erasure.id))")
                }
            }
        }
    }
}

struct PersonErasures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erasures", abstract: "The erasure log of a project: when, who, how many events, hashed ids.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project.") var project: String

    func run() async throws {
        try await reportingErrors {
            let project = try projectSlug(self.project)
            let erasures = try await withCatalog(dataOptions, catalogOptions) { catalog in
                _ = try await existingProject(catalog, project)
                return try await catalog.erasures(project: project)
            }
            if output.json {
                Console.json(
                    .object([
                        (
                            "erasures",
                            .array(
                                erasures.map { e in
                                    .object([
                                        ("id", .string(e.id)), ("requested_at", .string(isoTime(e.requestedAt))),
                                        ("requested_by", .string(e.requestedBy)),
                                        ("events_removed", .number(String(e.eventsRemoved))),
                                        ("completed_at", e.completedAt.map { .string(isoTime($0)) } ?? .null),
                                        ("id_hashes", .array(e.idHashes.map(JSONValue.string))),
                                    ])
                                })
                        )
                    ]))
            } else if erasures.isEmpty {
                print("no erasures in \(project)")
            } else {
                var table = Table(header: ["erasure", "requested", "by", "ids", "events", "completed"])
                for e in erasures {
                    table.rows.append([
                        e.id, isoTime(e.requestedAt), e.requestedBy, String(e.idHashes.count),
                        grouped(Int(e.eventsRemoved)),
                        e.completedAt.map(isoTime) ?? "not yet",
                    ])
                }
                print(table.render())
            }
        }
    }
}
