import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create, list and revoke API keys.",
        discussion:
            "Write keys (upw_…) only send events; read keys (upr_…) query and administer. Only a keyed hash of a key is stored.",
        subcommands: [KeyCreate.self, KeyList.self, KeyRevoke.self])
}

struct KeyCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key; it is shown once.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Project slug.") var project: String
    @Option(help: "write (ingestion) or read (queries, reports, administration).") var kind: String

    func run() async throws {
        try await reportingErrors {
            let slug = try ProjectSlug(project)
            guard let kind = KeyKind(rawValue: kind) else {
                throw UpliftError(.invalidInput, "--kind must be write or read, not '\(kind.prefix(20))'")
            }
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let key = try await catalog.createKey(project: slug, kind: kind)
                if output.json {
                    Console.json(
                        .object([
                            ("project", .string(slug.value)), ("kind", .string(kind.rawValue)),
                            ("key", .string(key.token)), ("prefix", .string(key.prefix)),
                        ]))
                } else {
                    print("created \(kind.rawValue) key for \(slug): \(key.token)")
                    print(Hint.complete("It is shown only now; `uplift key revoke \(key.prefix)` revokes it."))
                }
            }
        }
    }
}

struct KeyList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List keys: prefixes and times, never the keys.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this project's keys.") var project: String?

    func run() async throws {
        try await reportingErrors {
            let slug = try project.map { text throws(UpliftError) in try ProjectSlug(text) }
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let keys = try await catalog.keys(project: slug)
                if output.json {
                    Console.json(
                        .object([
                            (
                                "keys",
                                .array(
                                    keys.map { k in
                                        .object([
                                            ("prefix", .string(k.prefix)), ("project", .string(k.project.value)),
                                            ("kind", .string(k.kind.rawValue)),
                                            ("created_at", .string(isoTime(k.createdAt))),
                                            ("revoked_at", k.revokedAt.map { .string(isoTime($0)) } ?? .null),
                                        ])
                                    })
                            )
                        ]))
                } else if keys.isEmpty {
                    print("no keys")
                } else {
                    var table = Table(header: ["prefix", "project", "kind", "created", "revoked"])
                    for k in keys {
                        table.rows.append([
                            k.prefix, k.project.value, k.kind.rawValue, isoTime(k.createdAt),
                            k.revokedAt.map(isoTime) ?? "-",
                        ])
                    }
                    print(table.render())
                }
            }
        }
    }
}

struct KeyRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a key by its prefix (as `uplift key list` shows it).")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The key's prefix, e.g. upw_Ab12Cd34.") var prefix: String

    func run() async throws {
        try await reportingErrors {
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let key = try await catalog.revokeKey(prefix: prefix)
                if output.json {
                    Console.json(
                        .object([
                            ("prefix", .string(key.prefix)), ("project", .string(key.project.value)),
                            ("kind", .string(key.kind.rawValue)),
                            ("revoked_at", key.revokedAt.map { .string(isoTime($0)) } ?? .null),
                        ]))
                } else {
                    print("revoked \(key.kind.rawValue) key \(key.prefix) of \(key.project)")
                }
            }
        }
    }
}
