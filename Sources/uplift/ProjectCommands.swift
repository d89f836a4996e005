import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Create, list and configure projects.",
        subcommands: [ProjectCreate.self, ProjectList.self, ProjectSet.self])
}

struct ProjectCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a project with a write key (ingestion) and a read key (queries); the keys are shown once.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Project slug (lowercase letters, digits, dashes).") var slug: String
    @Option(help: "Display name (default: the slug).") var name: String?
    @Option(help: "Days of events to keep; 0 keeps everything.") var retentionDays: Int = 0
    @Option(help: "IANA time zone of the project's days in reports.") var timeZone: String = "UTC"

    func run() async throws {
        try await reportingErrors {
            let slug = try ProjectSlug(self.slug)
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let created = try await catalog.createProject(
                    slug, name: name, settings: ProjectSettings(retentionDays: retentionDays, timeZone: timeZone))
                if output.json {
                    Console.json(
                        .object([
                            ("project", .string(slug.value)), ("write_key", .string(created.writeKey.token)),
                            ("read_key", .string(created.readKey.token)),
                        ]))
                } else {
                    print("created project \(slug) (\(created.project.name))")
                    print("write key (ingestion, may ship in apps): \(created.writeKey.token)")
                    print("read key (queries, keep secret):         \(created.readKey.token)")
                    print("Keys are shown only now; only their hashes are stored.")
                }
            }
        }
    }
}

struct ProjectList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the projects.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let projects = try await catalog.projects()
                if output.json {
                    Console.json(
                        .object([
                            (
                                "projects",
                                .array(
                                    projects.map { p in
                                        .object([
                                            ("project", .string(p.slug.value)), ("name", .string(p.name)),
                                            ("created_at", .string(isoTime(p.createdAt))),
                                            ("retention_days", .int(p.settings.retentionDays)),
                                            ("time_zone", .string(p.settings.timeZone)),
                                            ("privacy", p.settings.privacy.json),
                                        ])
                                    })
                            )
                        ]))
                } else if projects.isEmpty {
                    print(Hint.complete("no projects; create one with `uplift project create SLUG`"))
                } else {
                    var table = Table(header: ["project", "name", "created", "retention", "time zone"])
                    for p in projects {
                        table.rows.append([
                            p.slug.value, p.name, isoTime(p.createdAt),
                            p.settings.retentionDays == 0 ? "forever" : "\(p.settings.retentionDays) d",
                            p.settings.timeZone,
                        ])
                    }
                    print(table.render())
                }
            }
        }
    }
}

extension PrivacySettings.IPAddresses: ExpressibleByArgument {}

struct ProjectSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a project's retention, time zone and personal-data controls.",
        discussion: """
            Retention deletes the days older than --retention-days (the current UTC day and that many days \
            before it are kept): no question sees them from now on, and the server's compaction (or \
            `uplift compact`) deletes their segments. The personal-data controls apply to events ingested \
            from now on, before they are written anywhere; events already stored keep what they hold.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Project slug.") var slug: String
    @Option(help: "Days of events to keep; 0 keeps everything.") var retentionDays: Int?
    @Option(help: "IANA time zone of the project's days in reports.") var timeZone: String?
    @Option(help: "Client IP addresses (context.ip, $ip): keep, truncate (IPv4 /24, IPv6 /48) or drop.")
    var ip: PrivacySettings.IPAddresses?
    @Option(help: "Remove this top-level property (and context member) at ingest; repeatable.")
    var dropProperty: [String] = []
    @Option(help: "Replace this property's value by a keyed hash at ingest; repeatable.")
    var hashProperty: [String] = []
    @Option(help: "Stop dropping or hashing this property; repeatable.") var keepProperty: [String] = []
    @Option(help: "Replace e-mail addresses inside string values by [email]: true or false.") var redactEmails: Bool?
    @Option(help: "Replace card-like numbers (Luhn-valid, 13-19 digits) by [card]: true or false.")
    var redactCards: Bool?

    func run() async throws {
        try await reportingErrors {
            let slug = try ProjectSlug(self.slug)
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                var settings = try await existingProject(catalog, slug).settings
                if let retentionDays { settings.retentionDays = retentionDays }
                if let timeZone { settings.timeZone = timeZone }
                var privacy = settings.privacy
                if let ip { privacy.ipAddresses = ip }
                let keep = Set(keepProperty)
                privacy.dropProperties = Self.merged(privacy.dropProperties, dropProperty, without: keep)
                privacy.hashProperties = Self.merged(privacy.hashProperties, hashProperty, without: keep)
                if let redactEmails { privacy.redactEmails = redactEmails }
                if let redactCards { privacy.redactCardNumbers = redactCards }
                settings.privacy = privacy
                try await catalog.setProjectSettings(slug, settings)
                if output.json {
                    Console.json(
                        .object([
                            ("project", .string(slug.value)), ("retention_days", .int(settings.retentionDays)),
                            ("time_zone", .string(settings.timeZone)), ("privacy", privacy.json),
                        ]))
                } else {
                    let retention =
                        settings.retentionDays == 0 ? "forever" : "\(settings.retentionDays) days before today"
                    print("project \(slug)")
                    for (name, value) in [
                        ("retention", retention), ("time zone", settings.timeZone),
                        ("IP addresses", privacy.ipAddresses.rawValue),
                        ("dropped properties", Self.list(privacy.dropProperties)),
                        ("hashed properties", Self.list(privacy.hashProperties)),
                        ("redacted in strings", Self.redactions(privacy)),
                    ] {
                        print("  " + name.padding(toLength: 21, withPad: " ", startingAt: 0) + value)
                    }
                }
            }
        }
    }

    /// `current` plus `added` (once each, in order), less `removed`.
    static func merged(_ current: [String], _ added: [String], without removed: Set<String>) -> [String] {
        var names: [String] = []
        for name in current + added where !removed.contains(name) && !names.contains(name) { names.append(name) }
        return names
    }

    static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }

    static func redactions(_ privacy: PrivacySettings) -> String {
        let kinds =
            (privacy.redactEmails ? ["e-mail addresses"] : []) + (privacy.redactCardNumbers ? ["card numbers"] : [])
        return kinds.isEmpty ? "nothing" : kinds.joined(separator: ", ")
    }
}
