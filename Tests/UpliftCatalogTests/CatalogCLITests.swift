import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// The catalog commands end to end through the built `uplift` binary.
struct CatalogCLITests {
    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(
            binary, arguments: arguments, stdin: stdin,
            environment: ["UPLIFT_CATALOG": "", "UPLIFT_CATALOG_SECRET": ""])
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
            "not JSON: \(result.stdoutText) \(result.stderrText)")
    }

    /// One line on standard error, a non-zero exit.
    func expectOneLineFailure(_ result: ProcessResult, containing text: String) {
        #expect(result.exitCode != 0)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderrText)")
        #expect(result.stderrText.contains(text), "\(result.stderrText)")
    }

    @Test(arguments: Backend.enabled)
    func projectsAndKeysFromTheCommandLine(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            try withTemporaryDirectory { dir in
                let base = ["--data", dir.path, "--catalog", place.urlText]
                let created = try uplift(["project", "create", "shop", "--name", "Shop", "--json"] + base)
                #expect(created.exitCode == 0, "\(created.stderrText)")
                let fields = try json(created)
                #expect(Set(fields.keys) == ["project", "write_key", "read_key"])
                #expect(fields["project"] as? String == "shop")
                let writeKey = try #require(fields["write_key"] as? String)
                #expect(writeKey.hasPrefix("upw_"))
                #expect((fields["read_key"] as? String)?.hasPrefix("upr_") == true)

                expectOneLineFailure(try uplift(["project", "create", "shop"] + base), containing: "already exists")
                expectOneLineFailure(try uplift(["project", "create", "Bad Slug"] + base), containing: "slug")

                let list = try json(uplift(["project", "list", "--json"] + base))
                let projects = try #require(list["projects"] as? [[String: Any]])
                #expect(projects.map { $0["project"] as? String } == ["shop"])
                #expect(projects.first?["name"] as? String == "Shop")

                let key = try json(uplift(["key", "create", "--project", "shop", "--kind", "read", "--json"] + base))
                #expect(key["kind"] as? String == "read")
                let prefix = try #require(key["prefix"] as? String)
                expectOneLineFailure(
                    try uplift(["key", "create", "--project", "nope", "--kind", "read"] + base),
                    containing: "does not exist")
                expectOneLineFailure(
                    try uplift(["key", "create", "--project", "shop", "--kind", "admin"] + base), containing: "--kind")

                let revoked = try json(uplift(["key", "revoke", prefix, "--json"] + base))
                #expect(revoked["prefix"] as? String == prefix)
                #expect(revoked["revoked_at"] is String)
                let keys = try #require(
                    try json(uplift(["key", "list", "--project", "shop", "--json"] + base))["keys"] as? [[String: Any]])
                #expect(keys.count == 3)
                #expect(keys.filter { $0["revoked_at"] is String }.map { $0["prefix"] as? String } == [prefix])
                // Listings never show a key.
                let table = try uplift(["key", "list"] + base)
                #expect(table.stdoutText.contains(String(writeKey.prefix(12))))
                #expect(!table.stdoutText.contains(writeKey))
                expectOneLineFailure(
                    try uplift(["key", "revoke", "upw_00000000"] + base), containing: "no key has the prefix")

                let migrate = try json(uplift(["migrate", "--json"] + base))
                #expect(migrate["to"] as? Int == Catalog.latestSchemaVersion)
                #expect(migrate["applied"] as? Int == 0)
                #expect(migrate["dialect"] as? String == backend.rawValue)
            }
        }
    }

    @Test func importCreatesAMissingProjectAndSaysSo() throws {
        try withTemporaryDirectory { dir in
            let line = Data(
                #"{"type":"track","event":"signed_up","userId":"u1","messageId":"m1","timestamp":"2026-03-01T10:00:00Z"}"#
                    .utf8)
            let first = try uplift(["import", "--data", dir.path, "--project", "bulk", "-"], stdin: line)
            #expect(first.exitCode == 0, "\(first.stderrText)")
            #expect(first.stderrText.contains("created project bulk"))
            let second = try uplift(["import", "--data", dir.path, "--project", "bulk", "-"], stdin: line)
            #expect(second.exitCode == 0)
            #expect(!second.stderrText.contains("created project"))
            let list = try json(uplift(["project", "list", "--json", "--data", dir.path]))
            #expect((list["projects"] as? [[String: Any]])?.compactMap { $0["project"] as? String } == ["bulk"])
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("catalog.sqlite").path))
        }
    }

    @Test(arguments: Backend.enabled)
    func importLinksIdentifiedAndAliasedIdsIntoPersons(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            try await withTemporaryDirectory { dir in
                let lines = [
                    #"{"type":"track","event":"viewed","anonymousId":"anon-1","messageId":"m1","timestamp":"2026-03-01T10:00:00Z"}"#,
                    #"{"type":"identify","userId":"user-1","anonymousId":"anon-1","messageId":"m2","timestamp":"2026-03-01T10:01:00Z"}"#,
                    #"{"event":"$identify","distinct_id":"user-1","properties":{"$anon_distinct_id":"phone-1"},"uuid":"m3","timestamp":"2026-03-01T11:00:00Z"}"#,
                    #"{"type":"alias","userId":"user-1b","previousId":"user-1","messageId":"m4","timestamp":"2026-03-02T09:00:00Z"}"#,
                    #"{"type":"track","event":"viewed","anonymousId":"anon-2","messageId":"m5","timestamp":"2026-03-02T09:00:00Z"}"#,
                ].joined(separator: "\n")
                // The secret comes from the environment here, as nodes sharing a catalog would have it.
                let binary = try #require(upliftBinaryPath())
                let result = try runProcess(
                    binary,
                    arguments: ["import", "--data", dir.path, "--catalog", place.urlText, "--project", "people", "-"],
                    stdin: Data(lines.utf8),
                    environment: [
                        "UPLIFT_CATALOG": "", "UPLIFT_CATALOG_SECRET": String(repeating: "s3cret-pepper-", count: 3),
                    ])
                #expect(result.exitCode == 0, "\(result.stderrText)")
                let persons = try await place.withOpen { catalog in
                    try await catalog.persons(
                        project: try ProjectSlug("people"),
                        distinctIds: ["anon-1", "user-1", "phone-1", "user-1b", "anon-2"])
                }
                #expect(Set(["anon-1", "user-1", "phone-1", "user-1b"].map { persons[$0] }).count == 1)
                #expect(persons["anon-2"] == "anon-2")
                #expect(persons["anon-2"] != persons["anon-1"])
            }
        }
    }

    @Test func badCatalogsFailWithOneLine() async throws {
        try await withTemporaryDirectory { dir in
            let data = ["--data", dir.path]
            expectOneLineFailure(
                try uplift(["migrate", "--catalog", "mysql://u:p@h/db"] + data),
                containing: "scheme 'mysql' is not supported")
            expectOneLineFailure(
                try uplift(["project", "list", "--catalog", "postgres://u:hunter2@127.0.0.1:1/db"] + data),
                containing: "cannot reach the PostgreSQL catalog")
            let env = try runProcess(
                try #require(upliftBinaryPath()), arguments: ["migrate"] + data,
                environment: ["UPLIFT_CATALOG": "postgres://nohost"])
            expectOneLineFailure(env, containing: "catalog URL")

            // A schema newer than the binary.
            let path = dir.appendingPathComponent("catalog.sqlite").path
            #expect(try uplift(["migrate"] + data).exitCode == 0)
            let secret = try CatalogSecret.resolve(environmentValue: nil, dataDirectory: dir.path)
            let catalog = try await Catalog.open(CatalogConfiguration(url: .sqlite(path: path), secret: secret))
            try await catalog.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(Catalog.latestSchemaVersion + 1), 'future', 0)"
            )
            await catalog.close()
            expectOneLineFailure(try uplift(["migrate"] + data), containing: "upgrade uplift")
            expectOneLineFailure(try uplift(["project", "list"] + data), containing: "upgrade uplift")
        }
    }

    @Test func wrongPasswordFailsWithOneLine() throws {
        guard let base = Backend.postgresURL, case .postgres(var location) = try CatalogURL(parsing: base) else {
            try Test.cancel("PostgreSQL case skipped: set UPLIFT_TEST_POSTGRES_URL (make test does)")
        }
        location.password = "wrong"
        let url = "postgres://\(location.user):wrong@\(location.host):\(location.port)/\(location.database)"
        try withTemporaryDirectory { dir in
            let result = try uplift(["project", "list", "--data", dir.path, "--catalog", url])
            expectOneLineFailure(result, containing: "rejected the credentials")
            #expect(!result.stderrText.contains(":wrong@"))
        }
    }
}
