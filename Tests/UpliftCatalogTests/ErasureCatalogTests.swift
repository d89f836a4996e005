import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

struct ErasureCatalogTests {
    @Test(arguments: Backend.enabled)
    func erasedIdsLeaveThePersonsAndEveryReaderReadsTheLinksAgain(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let shop = slug("shop")
            _ = try await catalog.createProject(shop)
            try await catalog.link(project: shop, [PersonLink("user-1", "anon-1"), PersonLink("user-1-new", "user-1")])
            try await catalog.link(project: shop, [PersonLink("user-2", "anon-2")])
            let person = try await catalog.personIds(project: shop, of: "anon-1")
            #expect(person == ["anon-1", "user-1", "user-1-new"])
            let version = try await catalog.personLinksVersion(project: shop)
            #expect(try await catalog.personLinkChanges(project: shop, since: version, limit: 100) != nil)

            try await catalog.erasePersonIDs(project: shop, ids: person)
            #expect(try await catalog.personIds(project: shop, of: "anon-1") == ["anon-1"])
            #expect(try await catalog.personIds(project: shop, of: "user-2") == ["anon-2", "user-2"])
            let table = try await catalog.personLinkTable(project: shop)
            #expect(table.version > version)
            // A reader holding the links of before cannot see a deletion as a change: it must read them all.
            #expect(try await catalog.personLinkChanges(project: shop, since: version, limit: 100) == nil)
            #expect(try await catalog.personLinkChanges(project: shop, since: table.version, limit: 100) != nil)
            // A later link of an erased id starts a new person.
            try await catalog.link(project: shop, [PersonLink("user-1", "anon-9")])
            #expect(try await catalog.personIds(project: shop, of: "user-1") == ["anon-9", "user-1"])
        }
    }

    @Test(arguments: Backend.enabled)
    func theLogKeepsHashesAndForgetsTheIdsOnceComplete(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let shop = slug("shop")
            _ = try await catalog.createProject(shop)
            let started = try await catalog.beginErasure(
                project: shop, ids: ["user-1", "anon-1"], requestedBy: "upr_abcdefgh")
            #expect(started.id.hasPrefix("er_"))
            #expect(
                try await catalog.erasures(project: shop, pendingOnly: true).map(\.pendingIDs) == [
                    ["anon-1", "user-1"]
                ])
            try await catalog.completeErasure(started.id, eventsRemoved: 42)
            #expect(try await catalog.erasures(project: shop, pendingOnly: true).isEmpty)
            let log = try #require(try await catalog.erasures(project: shop).first)
            #expect(log.pendingIDs == nil && log.eventsRemoved == 42 && log.completedAt != nil)
            #expect(log.requestedBy == "upr_abcdefgh")
            let hashes = ["anon-1", "user-1"].map { catalog.erasureHash(project: shop, id: $0) }.sorted()
            #expect(log.idHashes == hashes)
            #expect(hashes.allSatisfy { $0.hasPrefix("hmac:") && $0.count == 37 && !$0.contains("user") })
            #expect(
                catalog.erasureHash(project: slug("other"), id: "user-1")
                    != catalog.erasureHash(project: shop, id: "user-1"))
        }
    }

    @Test(arguments: Backend.enabled)
    func aFlushThatReadTheErasureCountBeforeAnErasureBeganIsRefused(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let shop = slug("shop")
            let other = slug("other")
            _ = try await catalog.createProject(shop)
            _ = try await catalog.createProject(other)
            func segment(_ name: String, _ project: ProjectSlug) -> SegmentRecord {
                SegmentRecord(
                    project: project, day: UTCDay("2026-01-01")!,
                    key: "events/project=\(project)/date=2026-01-01/\(name)",
                    node: "n", rows: 1, bytes: 1, minTime: 0, maxTime: 0, checksum: "0badc0de")
            }
            let read = try await catalog.erasuresBegun(projects: [shop, other])
            #expect(read.isEmpty)
            _ = try await catalog.beginErasure(project: shop, ids: ["user-1"], requestedBy: "cli")
            let storage = "file:/data"
            #expect(
                !(try await catalog.addSegments([segment("a", shop)], storage: storage, at: 1, erasuresBegun: read)))
            #expect(try await catalog.addSegments([segment("b", other)], storage: storage, at: 1, erasuresBegun: read))
            let now = try await catalog.erasuresBegun(projects: [shop, other])
            #expect(now == [shop: 1])
            #expect(try await catalog.addSegments([segment("c", shop)], storage: storage, at: 1, erasuresBegun: now))
            #expect(
                try await catalog.liveSegments(storage: storage).map(\.key).map {
                    $0.hasSuffix("b") || $0.hasSuffix("c")
                } == [true, true])
            // What the stores check events against: a hash per id and when its erasure was requested.
            let hashes = try await catalog.erasedIDHashes(project: shop)
            #expect(Array(hashes.keys) == [catalog.erasureHash(project: shop, id: "user-1")])
        }
    }
}
