import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// What a 200 says and what it means for storage: partial success, duplicates, time fixes, person links.
struct AcknowledgementTests {
    @Test func partialSuccessStoresTheValidAndListsTheRest() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": [
                    ["type": "track", "event": "ok-0", "userId": "u", "messageId": "p-0"],
                    ["type": "track", "userId": "u", "messageId": "p-1"],
                    ["type": "track", "event": "ok-2", "userId": "u", "messageId": "p-2"],
                    ["type": "track", "event": "e", "messageId": "p-3"],
                ]
            ])
            let ack = try await fixture.serve { client in
                let response = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                #expect(response.status == .ok)
                return try response.acknowledgement
            }
            #expect(ack.accepted == 2)
            #expect(ack.rejected.map(\.index) == [1, 3])
            #expect(ack.rejected.map(\.code) == ["missing_event_name", "missing_distinct_id"])
            #expect(Set(try await fixture.storedEvents().map(\.eventID)) == ["p-0", "p-2"])
        }
    }

    @Test func aResentBatchIsAcknowledgedAsDuplicatesAndStoredOnce() async throws {
        try await ServerFixture.with { fixture in
            // Half with ids, half without: those get an id hashed from their bytes, equally stable.
            let body = json([
                "batch": (0..<6).map { i -> [String: Any] in
                    var message: [String: Any] = ["type": "track", "event": "e\(i)", "userId": "u"]
                    if i % 2 == 0 { message["messageId"] = "d-\(i)" }
                    return message
                }
            ])
            let (first, second) = try await fixture.serve { client in
                let first = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                    .acknowledgement
                let second = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                    .acknowledgement
                return (first, second)
            }
            #expect(first.accepted == 6 && first.duplicates == 0)
            #expect(second.accepted == 0 && second.duplicates == 6)
            let stored = try await fixture.storedEvents()
            #expect(stored.count == 6)
            #expect(Set(stored.map(\.eventID)).count == 6)
        }
    }

    @Test func aRepeatedIdInOneBatchIsStoredOnce() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": [
                    ["type": "track", "event": "first", "userId": "u", "messageId": "same"],
                    ["type": "track", "event": "second", "userId": "u", "messageId": "same"],
                ]
            ])
            let ack = try await fixture.serve { client in
                try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(ack.accepted == 1 && ack.duplicates == 1)
            #expect(try await fixture.storedEvents().count == 1)
        }
    }

    @Test func concurrentResendsAreStoredOnce() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": (0..<20).map { ["type": "track", "event": "e", "userId": "u", "messageId": "c-\($0)"] }
            ])
            let acks = try await fixture.serve { client in
                try await withThrowingTaskGroup(of: Acknowledgement.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                                .acknowledgement
                        }
                    }
                    var acks: [Acknowledgement] = []
                    for try await ack in group { acks.append(ack) }
                    return acks
                }
            }
            #expect(acks.map(\.accepted).reduce(0, +) == 20)
            #expect(acks.map(\.duplicates).reduce(0, +) == 7 * 20)
            #expect(try await fixture.storedEvents().count == 20)
        }
    }

    @Test func duplicatesAreRecognizedAcrossARestart() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": [
                    ["type": "track", "event": "a", "userId": "u", "messageId": "r-1"],
                    ["type": "track", "event": "b", "userId": "u"],
                ]
            ])
            let first = try await fixture.serve { client in
                try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(first.accepted == 2)
            // A new store and application on the same directory: the ids are remembered.
            let second = try await fixture.serve { client in
                try await client.post("/v1/batch", json: body, key: .bearer(fixture.writeKey)).acknowledgement
            }
            #expect(second.accepted == 0)
            #expect(second.duplicates == 2)
            #expect(try await fixture.storedEvents().count == 2)
        }
    }

    @Test func sentAtCorrectsTheClientClock() async throws {
        try await ServerFixture.with { fixture in
            // The client's clock runs one hour ahead; the event happened five minutes before sending.
            let clientNow = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down) + 3600)
            let body = json([
                "type": "track", "event": "skewed", "userId": "u", "messageId": "s-1",
                "timestamp": isoTime(-300, from: clientNow), "sentAt": isoTime(0, from: clientNow),
            ])
            let ack = try await fixture.serve { client in
                try await client.post("/v1/track", json: body, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(ack.accepted == 1 && ack.clamped == 0)
            let event = try #require(try await fixture.storedEvents().first)
            // Corrected: five minutes before the receive time, exactly as far as the client saw it.
            #expect(event.receivedAt - event.timestamp == 300_000_000)
            #expect(event.sentAt != nil)
        }
    }

    @Test func postHogBatchSentAtCorrectsEveryEvent() async throws {
        try await ServerFixture.with { fixture in
            // The client's clock runs two hours behind.
            let clientNow = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down) - 7200)
            let body = json([
                "api_key": fixture.writeKey, "sent_at": isoTime(0, from: clientNow),
                "batch": [
                    ["event": "a", "distinct_id": "u", "uuid": "ph-1", "timestamp": isoTime(-60, from: clientNow)],
                    ["event": "b", "distinct_id": "u", "uuid": "ph-2", "timestamp": isoTime(-1, from: clientNow)],
                ],
            ])
            let ack = try await fixture.serve { client in
                try await client.post("/batch", json: body, key: .none).acknowledgement
            }
            #expect(ack.accepted == 2)
            let stored = Dictionary(uniqueKeysWithValues: try await fixture.storedEvents().map { ($0.eventID, $0) })
            #expect(stored["ph-1"].map { $0.receivedAt - $0.timestamp } == 60_000_000)
            #expect(stored["ph-2"].map { $0.receivedAt - $0.timestamp } == 1_000_000)
        }
    }

    @Test func aTimeFarInTheFutureIsClamped() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": [
                    [
                        "type": "track", "event": "future", "userId": "u", "messageId": "f-1",
                        "timestamp": isoTime(2 * 86_400),
                    ],
                    ["type": "track", "event": "soon", "userId": "u", "messageId": "f-2", "timestamp": isoTime(3600)],
                ]
            ])
            let ack = try await fixture.serve { client in
                try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(ack.accepted == 2)
            #expect(ack.clamped == 1)
            let stored = Dictionary(uniqueKeysWithValues: try await fixture.storedEvents().map { ($0.eventID, $0) })
            let future = try #require(stored["f-1"])
            #expect(future.timestamp == future.receivedAt)
            // One hour ahead is within the 23 h allowance: kept as sent.
            let soon = try #require(stored["f-2"])
            #expect(soon.timestamp > soon.receivedAt)
        }
    }

    @Test func identifyAndAliasLinkPersons() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client async throws in
                let identify = json(["userId": "user-1", "anonymousId": "anon-1"])
                #expect(
                    try await client.post("/v1/identify", json: identify, key: .basic(fixture.writeKey)).status == .ok)
                let alias = json(["userId": "user-1", "previousId": "old-1"])
                #expect(try await client.post("/v1/alias", json: alias, key: .basic(fixture.writeKey)).status == .ok)
                let postHog = json([
                    "event": "$identify", "distinct_id": "user-2", "properties": ["$anon_distinct_id": "anon-2"],
                    "api_key": fixture.writeKey,
                ])
                #expect(try await client.post("/capture", json: postHog, key: .none).status == .ok)
                let track = json(["type": "track", "event": "e", "userId": "loner", "anonymousId": "anon-3"])
                #expect(try await client.post("/v1/track", json: track, key: .basic(fixture.writeKey)).status == .ok)
            }
            let persons = try await fixture.catalog.persons(
                project: fixture.alpha,
                distinctIds: ["user-1", "anon-1", "old-1", "user-2", "anon-2", "loner", "anon-3"])
            let one = try #require(persons["user-1"])
            #expect(persons["anon-1"] == one)
            #expect(persons["old-1"] == one)
            let two = try #require(persons["user-2"])
            #expect(persons["anon-2"] == two)
            #expect(one != two)
            // A track message links nothing.
            #expect(persons["loner"] != persons["anon-3"])
            // Links are per project.
            let elsewhere = try await fixture.catalog.persons(project: fixture.beta, distinctIds: ["user-1", "anon-1"])
            #expect(elsewhere["user-1"] != elsewhere["anon-1"])
        }
    }
}
