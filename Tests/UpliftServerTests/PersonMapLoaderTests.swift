import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftCatalog
import UpliftModel
import UpliftStorage

@testable import UpliftServer

/// The person links a query applies, from the person map file plus the catalog's changes, against the
/// catalog's per-id lookup after every batch of random merges.
struct PersonMapLoaderTests {
    static let secret = try! CatalogSecret(text: String(repeating: "person-map-pepper-", count: 2))

    /// After each batch: a server's map (its previous links and the changes since), a fresh process's
    /// (the file plus the changes since), a person map made once and updated with each batch's changes,
    /// and one made from nothing all give every id the person the catalog gives it.
    @Test func changesOverAnyEarlierBaseGiveTheCatalogsPersons() async throws {
        try await Self.withProject("merges") { catalog, dir, p in
            var rng = SeededRandom(seed: 2207)
            let ids = (0..<400).map { "id-\($0)" }
            let dictionary = ProjectDictionary()
            var server: PersonMap?
            var kept: PersonResolver?
            var bases: Set<Int64> = []
            for batch in 0..<12 {
                var links: [PersonLink] = []
                for _ in 0..<(batch == 0 ? 150 : 25) {
                    let a = Int.random(in: 0..<ids.count, using: &rng)
                    let b = Int.random(in: 0..<ids.count, using: &rng)
                    links.append(PersonLink(ids[a], ids[b]))
                }
                try await catalog.link(project: p, links)
                let expected = try await catalog.persons(project: p, distinctIds: ids)
                let version = try await catalog.personLinksVersion(project: p)

                let served = try await PersonMapLoader.load(
                    catalog: catalog, dataDirectory: dir.path, project: p, previous: server)
                let fresh = try await PersonMapLoader.load(catalog: catalog, dataDirectory: dir.path, project: p)
                #expect(served.version == version && fresh.version == version)
                bases.insert(fresh.base.version)
                for map in [served, fresh] {
                    #expect(Self.persons(PersonResolver(map, dictionary: dictionary), ids, dictionary) == expected)
                }
                kept =
                    kept.map { $0.updated(to: served, dictionary: dictionary) }
                    ?? PersonResolver(served, dictionary: dictionary)
                #expect(Self.persons(kept!, ids, dictionary) == expected, "batch \(batch)")
                server = served
            }
            // The file was written once and then reused with the changes since, never rewritten:
            // the changes stay below the limit.
            #expect(bases.count == 1)
        }
    }

    /// A file another catalog wrote (a data directory opened with a new catalog) is not applied.
    @Test func anotherCatalogsFileIsLeftAlone() async throws {
        try await Self.withProject("other") { catalog, dir, p in
            try await catalog.link(project: p, [PersonLink("anon-1", "user-1")])
            var foreign = PersonLinks()
            foreign.append(person: "someone-else", ids: ["anon-1", "user-1"])
            let path = PersonMapFile.path(root: dir.path, project: p)
            try PersonMapFile.write(foreign, version: 0, catalogID: "another-catalog", to: path)
            let map = try await PersonMapLoader.load(catalog: catalog, dataDirectory: dir.path, project: p)
            let dictionary = ProjectDictionary()
            let persons = Self.persons(
                PersonResolver(map, dictionary: dictionary), ["anon-1", "user-1"], dictionary)
            #expect(persons["anon-1"] == persons["user-1"])
            #expect(persons["anon-1"] != "someone-else")
            // Replaced by this catalog's, which the next process reads.
            #expect(PersonMapFile.read(path: path, catalogID: try await catalog.catalogID())?.count == 1)
        }
    }

    /// Runs `body` with a new SQLite catalog in a temporary data directory holding project `name`.
    static func withProject(
        _ name: String, _ body: (Catalog, URL, ProjectSlug) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory(prefix: "uplift-person-map") { dir in
            try await Catalog.withOpen(
                CatalogConfiguration(url: .sqlite(path: dir.path + "/catalog.sqlite"), secret: Self.secret)
            ) { catalog in
                let project = try ProjectSlug(name)
                _ = try await catalog.ensureProject(project)
                try await body(catalog, dir, project)
            }
        }
    }

    /// Every id's person (its own id when unlinked), as the map resolves it.
    static func persons(
        _ resolver: PersonResolver, _ ids: [String], _ dictionary: ProjectDictionary
    ) -> [String: String] {
        let codes = dictionary.intern(ids)
        let resolved = resolver.extended(to: dictionary)
        var persons: [String: String] = [:]
        for (id, code) in zip(ids, codes) { persons[id] = dictionary.string(resolved.personOf[Int(code)]) }
        return persons
    }
}
