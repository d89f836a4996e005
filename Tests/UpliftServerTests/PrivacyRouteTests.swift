import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

/// Retention, erasure and export through the server, and an erasure a crash interrupted finished by the next.
struct PrivacyRouteTests {
    static func batch(_ ids: [String], prefix: String, timestamp: String = "2026-03-02T10:00:00Z") -> String {
        json([
            "batch": ids.enumerated().map { i, id in
                [
                    "type": "track", "event": "opened", "userId": id, "messageId": "\(prefix)-\(i)",
                    "timestamp": timestamp,
                ]
            }
        ])
    }

    static func total(_ response: TestResponse) throws -> Int {
        struct Trend: Decodable { var total: Int }
        return try response.decode(Trend.self).total
    }

    struct ErasureAnswer: Decodable {
        struct Inner: Decodable {
            var id: String
            var status: String
            var events_removed: Int
            var ids: Int
        }
        var erasure: Inner
    }

    @Test func anErasedPersonLeavesEveryAnswerBeforeTheDeleteIsAnswered() async throws {
        try await ServerFixture.with { fixture in
            let write = KeyStyle.basic(fixture.writeKey)
            let read = KeyStyle.bearer(fixture.readKey)
            try await fixture.serve { client in
                let sent = try await client.post(
                    "/v1/batch", json: Self.batch(["u1", "u1", "u2", "u3", "u1"], prefix: "a"), key: write)
                #expect(sent.status == .ok)
                let identify = json(["userId": "u1", "anonymousId": "anon-1", "messageId": "identify-1"])
                #expect(try await client.post("/v1/identify", json: identify, key: write).status == .ok)
                let count = #"{"from":"2026-03-01","to":"2026-03-08"}"#
                #expect(try Self.total(try await client.post("/v1/query/trend", json: count, key: read)) == 5)

                var headers: HTTPFields = [.authorization: "Bearer \(fixture.readKey)"]
                let erased = try await client.executeRequest(
                    uri: "/v1/persons/anon-1", method: .delete, headers: headers, body: nil)
                #expect(erased.status == .accepted, "\(erased.text)")
                let answer = try erased.decode(ErasureAnswer.self).erasure
                #expect(answer.status == "running" && answer.ids == 2)
                #expect(erased.headers[.location] == "/v1/erasures/\(answer.id)")
                // Hidden at once, whether the events are gone from the segments yet or not.
                #expect(try Self.total(try await client.post("/v1/query/trend", json: count, key: read)) == 2)
                let export = try await client.executeRequest(
                    uri: "/v1/persons/u1/export", method: .get, headers: headers, body: nil)
                #expect(export.status == .ok && export.text.isEmpty, "\(export.text)")
                // Then removed for good in the background: three tracked events and the identify.
                var log: TestResponse
                let deadline = ContinuousClock.now + .seconds(60)
                repeat {
                    log = try await client.executeRequest(
                        uri: "/v1/erasures/\(answer.id)", method: .get, headers: headers, body: nil)
                    #expect(log.status == .ok)
                } while try log.decode(ErasureAnswer.self).erasure.status == "running" && ContinuousClock.now < deadline
                #expect(log.text.contains(#""status":"completed""#) && log.text.contains(#""events_removed":4"#))
                #expect(!log.text.contains(#""u1""#) && !log.text.contains("anon-1"))
                #expect(try Self.total(try await client.post("/v1/query/trend", json: count, key: read)) == 2)
                headers[.authorization] = "Bearer \(fixture.writeKey)"
                let refused = try await client.executeRequest(
                    uri: "/v1/persons/u2", method: .delete, headers: headers, body: nil)
                #expect(refused.status == .unauthorized)
            }
            #expect(try await fixture.storedEvents().map(\.distinctID).sorted() == ["u2", "u3"])
        }
    }

    /// While the segments still hold the person (the erasure has begun, its rewriting has not run), no
    /// question, export or funnel sees them.
    @Test func aPersonWhoseErasureHasBegunIsHiddenFromEveryQuestion() async throws {
        try await ServerFixture.with { fixture in
            let write = KeyStyle.basic(fixture.writeKey)
            let read = KeyStyle.bearer(fixture.readKey)
            // Every question reads the project's context (and so the erasure log) afresh.
            var configuration = ServerConfiguration()
            configuration.queryContextTTL = .zero
            try await fixture.serve(configuration: configuration) { client in
                let sent = try await client.post(
                    "/v1/batch", json: Self.batch(["u1", "u1", "u2", "u3", "u1"], prefix: "a"), key: write)
                #expect(sent.status == .ok)
                let count = #"{"from":"2026-03-01","to":"2026-03-08"}"#
                let persons = #"{"from":"2026-03-01","to":"2026-03-08","measure":"persons"}"#
                #expect(try Self.total(try await client.post("/v1/query/trend", json: persons, key: read)) == 3)
                _ = try await PersonErasure.begin(
                    project: fixture.alpha, ids: ["u1"], requestedBy: "test", catalog: fixture.catalog)
                #expect(try Self.total(try await client.post("/v1/query/trend", json: count, key: read)) == 2)
                #expect(try Self.total(try await client.post("/v1/query/trend", json: persons, key: read)) == 2)
                let headers: HTTPFields = [.authorization: "Bearer \(fixture.readKey)"]
                let export = try await client.executeRequest(
                    uri: "/v1/persons/u1/export", method: .get, headers: headers, body: nil)
                #expect(export.status == .ok && export.text.isEmpty, "\(export.text)")
            }
            // Nothing was rewritten: the erasure is still to finish.
            #expect(try await fixture.storedEvents().count == 5)
        }
    }

    @Test func anErasureACrashInterruptedIsFinishedByTheNext() async throws {
        try await ServerFixture.with { fixture in
            let events = (0..<12).map { i in
                Event(
                    eventID: "e\(i)", type: .track, event: "opened", distinctID: ["p1", "p2", "p3"][i % 3],
                    timestamp: UTCDay(daysSinceEpoch: 20_500 + Int64(i % 2)).startMicroseconds + 1_000, receivedAt: 1)
            }
            do {
                let store = try await EventStore.open(fixture.storeConfiguration())
                _ = try await store.append(project: fixture.alpha, events: events)
                // The crash: the erasure is recorded and its events removed, the rest never happens.
                let begun = try await fixture.catalog.beginErasure(
                    project: fixture.alpha, ids: ["p1"], requestedBy: "cli")
                let catalog = fixture.catalog
                #expect(
                    try await store.erase(project: fixture.alpha, ids: ["p1"]) { (found) throws(UpliftError) in
                        try await catalog.noteErasureFound(begun.id, events: Int64(found))
                    } == 4)
                try await store.close()
            }
            let store = try await EventStore.open(fixture.storeConfiguration())
            // What a server does when it starts (`StoreService`), and the next erasure does too.
            let resumed = try await PersonErasure.resume(
                project: fixture.alpha, catalog: fixture.catalog, store: store, dataDirectory: fixture.dataDirectory)
            // The run that finishes it finds nothing left; the log keeps what the interrupted run found.
            #expect(resumed.map(\.removed) == [4])
            #expect(
                try await PersonErasure.resume(
                    project: fixture.alpha, catalog: fixture.catalog, store: store, dataDirectory: fixture.dataDirectory
                ).isEmpty)
            let done = try await PersonErasure.run(
                project: fixture.alpha, ids: ["p2"], requestedBy: "cli", catalog: fixture.catalog, store: store,
                dataDirectory: fixture.dataDirectory)
            #expect(done.map(\.removed) == [4])
            #expect(
                try await store.snapshot(project: fixture.alpha).allEvents().map(\.distinctID) == [
                    "p3", "p3", "p3", "p3",
                ])
            try await store.close()
            let log = try await fixture.catalog.erasures(project: fixture.alpha)
            #expect(log.count == 2 && log.allSatisfy { $0.completedAt != nil && $0.pendingIDs == nil })
            #expect(log.map(\.eventsRemoved) == [4, 4])
        }
    }

    @Test func daysPastTheRetentionLeaveTheAnswersAtOnce() async throws {
        try await ServerFixture.with { fixture in
            let write = KeyStyle.basic(fixture.writeKey)
            let read = KeyStyle.bearer(fixture.readKey)
            let now = Date()
            let recent = isoTime(-3_600, from: now)
            let old = isoTime(-40 * 86_400, from: now)
            try await fixture.serve { client in
                #expect(
                    try await client.post(
                        "/v1/batch", json: Self.batch(["u1", "u2"], prefix: "new", timestamp: recent), key: write
                    ).status == .ok)
                #expect(
                    try await client.post(
                        "/v1/batch", json: Self.batch(["u1", "u3", "u4"], prefix: "old", timestamp: old), key: write
                    ).status == .ok)
                let from = isoTime(-60 * 86_400, from: now).prefix(10)
                let count = #"{"from":"\#(from)","to":"\#(isoTime(86_400, from: now).prefix(10))"}"#
                #expect(try Self.total(try await client.post("/v1/query/trend", json: count, key: read)) == 5)
                try await fixture.catalog.setProjectSettings(fixture.alpha, ProjectSettings(retentionDays: 30))
            }
            // A running server reads a project's settings at most `queryContextTTL` old (a second by default).
            try await fixture.serve { client in
                let from = isoTime(-60 * 86_400, from: now).prefix(10)
                let count = #"{"from":"\#(from)","to":"\#(isoTime(86_400, from: now).prefix(10))"}"#
                let answer = try await client.post("/v1/query/trend", json: count, key: read)
                #expect(try Self.total(answer) == 2, "\(answer.text)")
            }
        }
    }
}
