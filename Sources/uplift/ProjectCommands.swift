import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Create and list projects.",
        subcommands: [ProjectCreate.self, ProjectList.self])
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
