import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct MigrationTests {
    @Test(arguments: Backend.enabled)
    func migrationsApplyOnceThenReopeningChangesNothing(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            try await place.withOpen { first in
                #expect(first.migration == MigrationReport(fromVersion: 0, toVersion: Catalog.latestSchemaVersion))
                #expect(try await first.schemaVersion() == Catalog.latestSchemaVersion)
                _ = try await first.createProject(slug("kept"))
            }
            try await place.withOpen { second async throws in
                #expect(second.migration.applied == 0)
                #expect(try await second.project(slug("kept")) != nil)
            }
        }
    }

    @Test(arguments: Backend.enabled)
    func aSchemaNewerThanTheBinaryIsRefusedWithOneLine(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let future = Catalog.latestSchemaVersion + 1
            try await place.withOpen { catalog in
                try await catalog.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(future), 'from the future', 0)"
                )
            }
            let error = try #require(await upliftError { _ = try await place.open() })
            #expect(error.code == .unsupported)
            #expect(error.message.contains("version \(future)"))
            #expect(error.message.contains("upgrade uplift"))
            #expect(!error.message.contains("\n"))
        }
    }

    /// Two nodes starting at once on an empty catalog: both succeed, each migration runs once.
    @Test(arguments: Backend.enabled)
    func concurrentMigratorsApplyEachMigrationOnce(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let catalog = try await place.open()
                        await catalog.close()
                        return catalog.migration
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(reports.count == 4)
            #expect(reports.allSatisfy { $0.toVersion == Catalog.latestSchemaVersion })
            // Exactly one of them did the work.
            #expect(reports.filter { $0.applied > 0 }.count == 1)
            let rows = try await place.withOpen { catalog in
                try await catalog.queryInt("SELECT COUNT(*) AS n FROM schema_migrations")
            }
            #expect(rows == Int64(Migrations.all.count))
        }
    }

    @Test func migrationVersionsIncreaseStrictly() {
        let versions = Migrations.all.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
        #expect(versions.first == 1)
    }
}
