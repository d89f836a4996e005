import ArgumentParser
import UpliftCatalog
import UpliftModel

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the catalog's schema up to this version of uplift.",
        discussion:
            "Every command that opens the catalog does this too; safe to run from several nodes at once on PostgreSQL.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            try await withCatalog(dataOptions, catalogOptions) { catalog in
                let report = catalog.migration
                if output.json {
                    Console.json(
                        .object([
                            ("from", .int(report.fromVersion)), ("to", .int(report.toVersion)),
                            ("applied", .int(report.applied)),
                            ("dialect", .string(catalog.dialect.rawValue)),
                        ]))
                } else if report.applied == 0 {
                    print("catalog (\(catalog.dialect.rawValue)) is up to date at version \(report.toVersion)")
                } else {
                    print(
                        "catalog (\(catalog.dialect.rawValue)) migrated from version \(report.fromVersion) to \(report.toVersion)"
                    )
                }
            }
        }
    }
}
