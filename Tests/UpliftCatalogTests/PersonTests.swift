import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// The reference: a plain union-find with path halving.
struct NaiveUnionFind {
    var parent: [String: String] = [:]

    mutating func find(_ x: String) -> String {
        var x = x
        while let p = parent[x], p != x {
            let grand = parent[p] ?? p
            parent[x] = grand
            x = grand
        }
        return x
    }

    mutating func union(_ a: String, _ b: String) {
        let (ra, rb) = (find(a), find(b))
        if ra != rb { parent[ra] = rb }
        if parent[rb] == nil { parent[rb] = rb }
    }
}

struct PersonTests {
    @Test(arguments: Backend.enabled)
    func chainsOfIdentifyAndAliasResolveToOnePerson(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("app")
            _ = try await catalog.ensureProject(p)
            try await catalog.link(project: p, [PersonLink("anon-laptop", "user-42")])
            try await catalog.link(project: p, [PersonLink("anon-phone", "user-42")])  // second device
            try await catalog.link(project: p, [PersonLink("user-42-new-email", "user-42")])  // alias
            try await catalog.link(project: p, [PersonLink("alias-of-alias", "user-42-new-email")])
            try await catalog.link(project: p, [PersonLink("anon-other", "user-7")])
            let ids = [
                "anon-laptop", "anon-phone", "user-42", "user-42-new-email", "alias-of-alias", "anon-other", "user-7",
                "never-seen",
            ]
            let person = try await catalog.persons(project: p, distinctIds: ids)
            let one = try #require(person["user-42"])
            for id in ids.prefix(5) { #expect(person[id] == one, "\(id)") }
            #expect(person["anon-other"] == person["user-7"])
            #expect(person["user-7"] != one)
            #expect(person["never-seen"] == "never-seen")
            #expect(try await catalog.personIds(project: p, of: "alias-of-alias").count == 5)
            #expect(try await catalog.personIds(project: p, of: "never-seen") == ["never-seen"])
            // Linking twice, or an id to itself, changes nothing.
            #expect(
                try await catalog.link(project: p, [PersonLink("anon-phone", "user-42"), PersonLink("x", "x")]) == 0)
        }
    }

    @Test(arguments: Backend.enabled)
    func linksVersionChangesExactlyWhenLinksAreAdded(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("versions")
            _ = try await catalog.ensureProject(p)
            let empty = try await catalog.personLinksVersion(project: p)
            try await catalog.link(project: p, [PersonLink("a", "b")])
            let one = try await catalog.personLinksVersion(project: p)
            #expect(one != empty)
            try await catalog.link(project: p, [PersonLink("a", "b")])  // the same link again changes nothing
            #expect(try await catalog.personLinksVersion(project: p) == one)
            try await catalog.link(project: p, [PersonLink("c", "b")])
            #expect(try await catalog.personLinksVersion(project: p) != one)
            #expect(try await catalog.personLinks(project: p).count == 2)
        }
    }

    /// The version is the project's own and is stored: another project's links and a reopening
    /// leave it as it was; only a write that changes the persons moves it.
    @Test(arguments: Backend.enabled)
    func linksVersionIsPerProjectAndKeptAcrossReopening(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let p = slug("mine")
            let q = slug("theirs")
            let before = try await place.withOpen { catalog in
                _ = try await catalog.ensureProject(p)
                _ = try await catalog.ensureProject(q)
                try await catalog.link(project: p, [PersonLink("a", "b"), PersonLink("c", "d")])
                let mine = try await catalog.personLinksVersion(project: p)
                try await catalog.link(project: q, [PersonLink("a", "b")])
                #expect(try await catalog.personLinksVersion(project: p) == mine)
                #expect(try await catalog.personLinksVersion(project: slug("nowhere")) == 0)
                return mine
            }
            try await place.withOpen { catalog in
                #expect(try await catalog.personLinksVersion(project: p) == before)
                // Links between ids that already share a person are stored but change no person.
                try await catalog.link(project: p, [PersonLink("b", "a")])
                #expect(try await catalog.personLinksVersion(project: p) == before)
                try await catalog.link(project: p, [PersonLink("a", "c")])
                #expect(try await catalog.personLinksVersion(project: p) > before)
            }
        }
    }

    @Test(arguments: Backend.enabled)
    func personsAreKeptPerProject(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            _ = try await catalog.ensureProject(slug("one"))
            _ = try await catalog.ensureProject(slug("two"))
            try await catalog.link(project: slug("one"), [PersonLink("a", "b")])
            try await catalog.link(project: slug("two"), [PersonLink("b", "c")])
            let one = try await catalog.persons(project: slug("one"), distinctIds: ["a", "b", "c"])
            #expect(one["a"] == one["b"])
            #expect(one["c"] == "c")
            let missing = try #require(
                await upliftError { try await catalog.link(project: slug("nope"), [PersonLink("a", "b")]) })
            #expect(missing.code == .notFound)
            let empty = try #require(
                await upliftError { try await catalog.link(project: slug("one"), [PersonLink("", "b")]) })
            #expect(empty.code == .invalidInput)
        }
    }

    /// Thousands of random links, in batches, against the naive union-find: the same partition.
    @Test(arguments: Backend.enabled)
    func randomLinksMergeLikeANaiveUnionFind(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let p = slug("random")
            _ = try await catalog.ensureProject(p)
            var rng = SeededRandom(seed: 20_260_101)
            var reference = NaiveUnionFind()
            let ids = (0..<1_500).map { "id-\($0)" }
            var links: [PersonLink] = []
            for _ in 0..<3_000 {
                // Mostly within small neighbourhoods (devices of one user), sometimes far away,
                // so that both small and large persons merge.
                let a = Int.random(in: 0..<ids.count, using: &rng)
                let b =
                    Bool.random(using: &rng)
                    ? min(ids.count - 1, a + Int.random(in: 0..<8, using: &rng))
                    : Int.random(in: 0..<ids.count, using: &rng)
                links.append(PersonLink(ids[a], ids[b]))
            }
            var start = 0
            while start < links.count {
                let end = min(links.count, start + Int.random(in: 1...700, using: &rng))
                try await catalog.link(project: p, Array(links[start..<end]))
                for link in links[start..<end] { reference.union(link.distinctId, link.otherId) }
                start = end
            }
            let resolved = try await catalog.persons(project: p, distinctIds: ids)
            #expect(resolved.count == ids.count)
            // Same partition: person ↔ reference root is a bijection.
            var toRoot: [String: String] = [:]
            var fromRoot: [String: String] = [:]
            var mismatches = 0
            for id in ids {
                let person = try #require(resolved[id])
                let root = reference.find(id)
                if toRoot[person, default: root] != root || fromRoot[root, default: person] != person {
                    mismatches += 1
                }
                toRoot[person] = root
                fromRoot[root] = person
            }
            #expect(mismatches == 0)
            #expect(Set(resolved.values).count == Set(ids.map { reference.find($0) }).count)
            // Sizes are consistent with the ids stored.
            let bad = try await catalog.queryInt(
                """
                SELECT COUNT(*) AS n FROM persons p
                WHERE p.size <> (SELECT COUNT(*) FROM person_ids i WHERE i.project = p.project AND i.person_id = p.person_id)
                """)
            #expect(bad == 0)
        }
    }
}
