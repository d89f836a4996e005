import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel

/// Every ingestion route stores what its wire format says, through the real application.
struct IngestionRouteTests {
    /// Segment's single-message paths: the type (and the event name) comes from the path.
    static let segmentCases: [(path: String, type: EventType, event: String, extra: [String: String])] = [
        ("/v1/track", .track, "Signed Up", ["event": "Signed Up"]),
        ("/v1/identify", .identify, "$identify", [:]),
        ("/v1/page", .page, "$pageview", ["name": "Home"]),
        ("/v1/screen", .screen, "$screen", ["name": "Settings"]),
        ("/v1/group", .group, "$groupidentify", ["groupId": "g-1"]),
        ("/v1/alias", .alias, "$create_alias", ["previousId": "old-id"]),
    ]

    @Test(arguments: [false, true])
    func segmentSingleMessageRoutes(trailingSlash: Bool) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for (i, c) in Self.segmentCases.enumerated() {
                    var message: [String: Any] = ["userId": "user-\(i)", "messageId": "seg-\(i)-\(trailingSlash)"]
                    for (k, v) in c.extra { message[k] = v }
                    let response = try await client.post(
                        c.path + (trailingSlash ? "/" : ""), json: json(message), key: .basic(fixture.writeKey))
                    #expect(response.status == .ok, "\(c.path): \(response.text)")
                    let ack = try response.acknowledgement
                    #expect(ack.accepted == 1 && ack.success && ack.status == 1 && ack.rejected.isEmpty)
                }
            }
            let stored = try await fixture.storedEvents()
            #expect(stored.count == Self.segmentCases.count)
            for (i, c) in Self.segmentCases.enumerated() {
                let event = try #require(stored.first { $0.eventID == "seg-\(i)-\(trailingSlash)" }, "\(c.path)")
                #expect(event.type == c.type, "\(c.path)")
                #expect(event.event == c.event, "\(c.path)")
                #expect(event.distinctID == "user-\(i)")
            }
        }
    }

    @Test func segmentBatchStoresEveryMessageWithSharedContext() async throws {
        try await ServerFixture.with { fixture in
            let batch: [String: Any] = [
                "batch": [
                    ["type": "track", "event": "Clicked", "anonymousId": "anon-1", "messageId": "b-1"],
                    ["type": "page", "userId": "u-2", "name": "Pricing", "messageId": "b-2"],
                    ["type": "identify", "userId": "u-3", "traits": ["plan": "pro"], "messageId": "b-3"],
                ],
                "context": ["library": ["name": "analytics.js"]],
            ]
            let body = json(batch)
            let ack = try await fixture.serve { client in
                try await client.post("/v1/batch/", json: body, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(ack.accepted == 3)
            let stored = try await fixture.storedEvents()
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.eventID, $0) })
            #expect(byID["b-1"]?.event == "Clicked")
            #expect(byID["b-1"]?.distinctID == "anon-1")
            #expect(byID["b-1"]?.anonymousID == "anon-1")
            #expect(byID["b-2"]?.type == .page)
            #expect(byID["b-2"]?.event == "$pageview")
            #expect(byID["b-2"]?.properties.contains(#""name":"Pricing""#) == true)
            #expect(byID["b-3"]?.type == .identify)
            #expect(byID["b-3"]?.properties.contains("pro") == true)
            #expect(byID["b-1"]?.context.contains("analytics.js") == true)
        }
    }

    @Test(arguments: ["/capture", "/capture/", "/batch", "/batch/", "/e", "/e/", "/i/v0/e", "/i/v0/e/"])
    func postHogRoutesTakeEveryBodyShape(path: String) async throws {
        try await ServerFixture.with { fixture in
            let single: [String: Any] = [
                "event": "$pageview", "distinct_id": "ph-1", "uuid": "ph-single", "api_key": fixture.writeKey,
                "properties": ["$current_url": "https://example.com"],
            ]
            let array: [[String: Any]] = [
                [
                    "event": "clicked", "distinct_id": "ph-2", "uuid": "ph-array-1",
                    "properties": ["token": fixture.writeKey],
                ],
                [
                    "event": "$screen", "distinct_id": "ph-3",
                    "properties": ["$insert_id": "ph-array-2", "token": fixture.writeKey],
                ],
            ]
            let batch: [String: Any] = [
                "api_key": fixture.writeKey,
                "batch": [["event": "bought", "distinct_id": "ph-4", "uuid": "ph-batch-1"]],
            ]
            let bodies = [json(single), json(array), json(batch)]
            try await fixture.serve { client in
                for body in bodies {
                    let response = try await client.post(path, json: body, key: .none)
                    #expect(response.status == .ok, "\(response.text)")
                }
            }
            let byID = Dictionary(uniqueKeysWithValues: try await fixture.storedEvents().map { ($0.eventID, $0) })
            #expect(byID.count == 4)
            #expect(byID["ph-single"]?.type == .page)
            #expect(byID["ph-single"]?.distinctID == "ph-1")
            #expect(byID["ph-array-1"]?.event == "clicked")
            #expect(byID["ph-array-1"]?.type == .track)
            #expect(byID["ph-array-2"]?.type == .screen)
            #expect(byID["ph-array-2"]?.distinctID == "ph-3")
            #expect(byID["ph-batch-1"]?.event == "bought")
            #expect(byID["ph-batch-1"]?.distinctID == "ph-4")
        }
    }

    @Test(arguments: ["/v1/feedback", "/v1/feedback/"])
    func feedbackIsStoredAsAFeedbackTrackEvent(path: String) async throws {
        try await ServerFixture.with { fixture in
            let body: [String: Any] = [
                "userId": "fb-user", "score": 9, "scale": 10, "comment": "great export", "feature": "export",
                "survey": "nps-q3", "messageId": "fb-1", "properties": ["plan": "pro"],
            ]
            let csat: [String: Any] = ["anonymousId": "fb-anon", "score": 4, "scale": 5, "messageId": "fb-2"]
            let bodies = [json(body), json(csat)]
            try await fixture.serve { client in
                for b in bodies {
                    let response = try await client.post(path, json: b, key: .basic(fixture.writeKey))
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(try response.acknowledgement.accepted == 1)
                }
            }
            let stored = try await fixture.storedEvents()
            let nps = try #require(stored.first { $0.eventID == "fb-1" })
            #expect(nps.type == .track)
            #expect(nps.event == "$feedback")
            #expect(nps.distinctID == "fb-user")
            let properties = try #require(
                JSONSerialization.jsonObject(with: Data(nps.properties.utf8)) as? [String: Any])
            #expect(properties["score"] as? Int == 9)
            #expect(properties["scale"] as? Int == 10)
            #expect(properties["comment"] as? String == "great export")
            #expect(properties["feature"] as? String == "export")
            #expect(properties["survey"] as? String == "nps-q3")
            #expect(properties["plan"] as? String == "pro")
            let five = try #require(stored.first { $0.eventID == "fb-2" })
            #expect(five.distinctID == "fb-anon")
            #expect(five.properties.contains(#""scale":5"#))
        }
    }
}
