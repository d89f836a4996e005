import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// No key is ever stored: the database's bytes (SQLite files, or a `pg_dump`) hold neither a
/// token nor its secret part, only the listing prefix.
struct PlaintextKeyTests {
    @Test(arguments: Backend.enabled)
    func noCreatedKeyAppearsInTheStoredDatabase(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let tokens = try await place.withOpen { catalog in
                var tokens: [String] = []
                for name in ["alpha", "beta", "gamma"] {
                    let created = try await catalog.createProject(slug(name))
                    tokens += [created.writeKey.token, created.readKey.token]
                    tokens.append(try await catalog.createKey(project: slug(name), kind: .read).token)
                }
                try await catalog.revokeKey(prefix: tokens[1])
                return tokens
            }

            let stored = try dump(place)
            #expect(stored.count > 1000, "the dump should hold the catalog")
            // The prefixes are there (the search would find them), the rest never is.
            #expect(contains(stored, APIKeyToken.prefix(of: tokens[0])))
            for token in tokens {
                #expect(!contains(stored, token))
                #expect(!contains(stored, String(token.dropFirst(APIKeyToken.prefixLength))))
                #expect(!contains(stored, String(token.suffix(16))))
            }
        }
    }

    /// Every byte of the SQLite files (the database and its write-ahead log), or `pg_dump`'s output.
    func dump(_ place: CatalogPlace) throws -> [UInt8] {
        if let directory = place.directory {
            var bytes: [UInt8] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                bytes += try Array(Data(contentsOf: directory.appendingPathComponent(name)))
            }
            return bytes
        }
        let bin =
            ProcessInfo.processInfo.environment["UPLIFT_TEST_POSTGRES_BIN"].map { $0 + "/pg_dump" }
            ?? "/usr/bin/pg_dump"
        let url = try #require(Backend.postgresURL)
        let schema = try #require(place.schema)
        let result = try runProcess(
            URL(fileURLWithPath: bin), arguments: ["--dbname=\(url)", "--schema=\(schema)", "--data-only", "--inserts"])
        try #require(result.exitCode == 0, "pg_dump failed: \(result.stderrText)")
        return Array(result.stdout)
    }

    func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard !n.isEmpty, haystack.count >= n.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            (0...(h.count - n.count)).contains { i in h[i] == n[0] && Array(h[i..<(i + n.count)]) == n }
        }
    }
}
