import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "What is stored about one person (GDPR articles 15 and 20).",
        subcommands: [PersonExport.self])
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
            var configuration = dataOptions.storeConfiguration()
            configuration.node = try nodeOptions.name()
            storageOptions.configure(&configuration)
            let lines = try await withCatalog(dataOptions, catalogOptions) { catalog in
                let settings = try await existingProject(catalog, project).settings
                let ids = try await catalog.personIds(project: project, of: id)
                let shared = try storageOptions.shared()
                let store = try await EventStore.open(
                    configuration,
                    registry: try CatalogSegmentRegistry.writing(
                        catalog: catalog, dataDirectory: dataOptions.directory, shared: shared),
                    storage: shared)
                do {
                    await store.retain(project: project, days: settings.retentionDays)
                    let snapshot = try await store.completeSnapshot(project: project)
                    let events = try PersonEvents.events(of: Set(ids), in: snapshot)
                    try await store.close()
                    return events.map(\.jsonRecord)
                } catch {
                    try? await store.close()
                    throw error
                }
            }
            for line in lines { print(line) }
        }
    }
}
