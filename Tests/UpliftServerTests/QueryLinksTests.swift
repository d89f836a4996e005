import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// `Catalog.personLinks`: what queries apply at query time, one read per project.
struct QueryLinksTests {
    @Test func everyLinkedIdMapsToItsPersonAndProjectsStayApart() async throws {
        try await ServerFixture.with { fixture in
            let catalog = fixture.catalog
            #expect(try await catalog.personLinks(project: fixture.alpha).isEmpty)
            try await catalog.link(
                project: fixture.alpha, [PersonLink("a1", "u1"), PersonLink("a2", "u1"), PersonLink("b1", "b2")])
            try await catalog.link(project: fixture.beta, [PersonLink("x1", "x2")])
            let links = try await catalog.personLinks(project: fixture.alpha)
            // Persons are resolved: a1, a2 and u1 share one person id, b1 and b2 another.
            let first = try #require(links["a1"] ?? links["u1"])
            for id in ["a1", "a2", "u1"] { #expect((links[id] ?? id) == first, "\(id)") }
            let second = try #require(links["b1"] ?? links["b2"])
            #expect((links["b1"] ?? "b1") == second && (links["b2"] ?? "b2") == second)
            #expect(first != second)
            // An id that is its own person's id is left out (it resolves to itself anyway).
            #expect(links[first] == nil && links[second] == nil)
            #expect(links.count == 3)
            #expect(links["x1"] == nil && links["x2"] == nil)
            // The same answer as the per-id lookup.
            let persons = try await catalog.persons(
                project: fixture.alpha, distinctIds: ["a1", "a2", "u1", "b1", "b2", "zz"])
            for (id, person) in persons { #expect((links[id] ?? id) == person, "\(id)") }
        }
    }

    @Test func anIdentifyThroughTheServerIsALink() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client async throws in
                let identify = json([
                    "type": "identify", "anonymousId": "anon-7", "userId": "user-7", "messageId": "i1",
                ])
                #expect(
                    try await client.post("/v1/identify", json: identify, key: .basic(fixture.writeKey)).status == .ok)
            }
            let links = try await fixture.catalog.personLinks(project: fixture.alpha)
            #expect(links.count == 1)
            let (id, person) = try #require(links.first)
            #expect(Set([id, person]) == ["anon-7", "user-7"])
        }
    }
}
