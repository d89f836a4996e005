import Foundation
import SQLKit
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// Several nodes linking persons in one project at once, each through its own catalog (its own
/// connections: separate pools). The persons must come out as if one writer had applied every link.
/// PostgreSQL only: nodes share a PostgreSQL catalog. (On SQLite, writers on one file take turns through
/// its busy timeout; with three writers racing on a loaded machine one of them waited it out.)
struct ConcurrentLinkTests {
    @Test(.enabled(if: Backend.postgresURL != nil, "needs UPLIFT_TEST_POSTGRES_URL (make test sets it)"))
    func writersOnSeveralNodesAgreeWithOneUnionFind() async throws {
        let backend = Backend.postgres
        try await withPlace(backend) { place in
            let project = try ProjectSlug("merges")
            try await place.withOpen { catalog in _ = try await catalog.ensureProject(project) }
            // 1,500 ids, 2,400 links drawn so that most ids end in a few large persons (heavy merging),
            // dealt to three writers; each sends them in batches of 40 (one transaction each), so the
            // writers' transactions interleave.
            var random = SeededRandom(seed: 7)
            let ids = (0..<1500).map { "id-\($0)" }
            let links = (0..<2400).map { _ in
                PersonLink(ids[random.below(ids.count)], ids[random.below(ids.count / 5)])
            }
            let shares = (0..<3).map { writer in links.enumerated().filter { $0.offset % 3 == writer }.map(\.element) }
            try await place.withNodes(3) { nodes in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (share, catalog) in zip(shares, nodes) {
                        group.addTask {
                            for start in stride(from: 0, to: share.count, by: 40) {
                                try await catalog.link(
                                    project: project, Array(share[start..<min(start + 40, share.count)]))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }

            var reference = NaiveUnionFind()
            for link in links { reference.union(link.distinctId, link.otherId) }
            try await place.withOpen { catalog in
                let person = try await catalog.persons(project: project, distinctIds: ids)
                // Same person exactly when the reference puts them in one set.
                var members: [String: [String]] = [:]
                for id in ids { members[reference.find(id), default: []].append(id) }
                for group in members.values {
                    let persons = Set(group.map { person[$0]! })
                    #expect(persons.count == 1, "one set, several persons: \(group.prefix(5))")
                    // A person's id is one of its own ids.
                    #expect(group.contains(persons.first!))
                }
                #expect(Set(members.values.map { person[$0[0]]! }).count == members.count, "two sets, one person")
                // The stored size of each person is its number of ids.
                let sizes = try await catalog.run("reading sizes") { db in
                    try await db.raw("SELECT person_id, size FROM persons WHERE project = \(bind: "merges")").all()
                }
                var stored: [String: Int64] = [:]
                for row in sizes {
                    stored[try row.decode(column: "person_id", as: String.self)] = try row.decode(
                        column: "size", as: Int64.self)
                }
                for group in members.values where group.count > 1 {
                    #expect(stored[person[group[0]]!] == Int64(group.count))
                }
                // The map a query loads agrees too.
                let map = try await catalog.personLinks(project: project)
                for id in ids { #expect((map[id] ?? id) == person[id]) }
            }
        }
    }
}
