import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// The bulk read of a project's links (`personLinkTable`) against the per-id lookup it must agree with.
struct PersonLinksTests {
    /// Random merges in batches, read back in chunks of a few persons: every linked id, exactly once,
    /// with the person the per-id lookup gives; ids of other projects stay out.
    @Test(arguments: Backend.enabled)
    func bulkReadAgreesWithPerIdLookupInAnyChunkSize(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("bulk")
            _ = try await catalog.ensureProject(p)
            _ = try await catalog.ensureProject(slug("other"))
            try await catalog.link(project: slug("other"), [PersonLink("id-1", "elsewhere")])
            var rng = SeededRandom(seed: 14)
            let ids = (0..<600).map { "id-\($0)" }
            var links: [PersonLink] = []
            for _ in 0..<700 {
                let a = Int.random(in: 0..<ids.count, using: &rng)
                let b = min(ids.count - 1, a + Int.random(in: 1..<6, using: &rng))
                links.append(PersonLink(ids[a], ids[b]))
            }
            for start in stride(from: 0, to: links.count, by: 90) {
                try await catalog.link(project: p, Array(links[start..<min(links.count, start + 90)]))
            }
            let resolved = try await catalog.persons(project: p, distinctIds: ids)
            let expected = resolved.filter { $0.key != $0.value }
            #expect(!expected.isEmpty)
            let version = try await catalog.personLinksVersion(project: p)
            for chunk in [1, 7, 50_000] {
                let (readVersion, table) = try await catalog.personLinkTable(project: p, chunk: chunk)
                #expect(readVersion == version)
                #expect(table.count == expected.count, "chunk \(chunk)")
                #expect(table.dictionary == expected, "chunk \(chunk)")
                #expect(Set(table.persons).count == table.persons.count, "each person once")
            }
            #expect(try await catalog.personLinks(project: p) == expected)
        }
    }

    /// Ids holding the packing's own characters (digits, colons), other scripts, control characters
    /// and the longest allowed id come back byte for byte.
    @Test(arguments: Backend.enabled)
    func idsOfAnyTextRoundTripExactly(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("odd")
            _ = try await catalog.ensureProject(p)
            let long = String(repeating: "é", count: 512)  // 1,024 bytes
            let pairs = [
                ("12:34", "5:"), (":", "0"), ("anon\tid\nwith lines", "user 😀"), ("Zoë", "ゆうき"),
                (long, "9"), ("12:34-device", "5:"),
            ]
            try await catalog.link(project: p, pairs.map { PersonLink($0.0, $0.1) })
            let ids = pairs.flatMap { [$0.0, $0.1] }
            let expected = try await catalog.persons(project: p, distinctIds: ids).filter { $0.key != $0.value }
            #expect(expected.count == 6)  // 11 ids in 5 persons
            let (_, table) = try await catalog.personLinkTable(project: p, chunk: 2)
            #expect(table.dictionary == expected)
        }
    }

    @Test(arguments: Backend.enabled)
    func aProjectWithoutLinksReadsEmpty(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            _ = try await catalog.ensureProject(slug("none"))
            let (version, table) = try await catalog.personLinkTable(project: slug("none"))
            #expect(version == 0)
            #expect(table.isEmpty)
            #expect(try await catalog.personLinkTable(project: slug("nowhere")).links.isEmpty)
        }
    }

    /// A corrupt packing fails as `corrupt`, with no id in the message.
    @Test func truncatedPackingIsCorrupt() throws {
        var links = PersonLinks()
        #expect(try PackedPersonLinks.unpack(Data("1:a1:1:b".utf8), into: &links) == 1)
        #expect(links.dictionary == ["b": "a"])
        for bad in ["1:a1:2:b", "3:ab", "1:a1:1:", "x:a", "1:a1:1:5:bb"] {
            var scratch = PersonLinks()
            let error = try #require(throws: UpliftError.self) {
                try PackedPersonLinks.unpack(Data(bad.utf8), into: &scratch)
            }
            #expect(error.code == .corrupt)
            #expect(!error.message.contains("bb"))
        }
    }
}
