import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftModel
import UpliftServer

/// Every refusal server-api.md lists that a client can provoke, with its status and JSON code.
struct ErrorResponseTests {
    @Test func brokenBodiesAre400() async throws {
        try await ServerFixture.with { fixture in
            let cases: [(name: String, body: [UInt8], headers: HTTPFields, code: String)] = [
                ("invalid JSON", Array(#"{"type":"track","#.utf8), [:], "invalid_json"),
                (
                    "invalid UTF-8",
                    Array(#"{"type":"track","event":""#.utf8) + [0xC3, 0x28] + Array(#"","userId":"u"}"#.utf8), [:],
                    "invalid_utf8"
                ),
                (
                    "invalid gzip, declared", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03], [.contentEncoding: "gzip"],
                    "invalid_gzip"
                ),
                ("invalid gzip, sniffed", [0x1F, 0x8B, 0xFF, 0xFF, 0xFF, 0xFF], [:], "invalid_gzip"),
                ("not an object", Array("42".utf8), [:], "invalid_body"),
            ]
            try await fixture.serve { client in
                for c in cases {
                    let response = try await client.post(
                        "/v1/batch", c.body, key: .basic(fixture.writeKey), headers: c.headers)
                    #expect(response.status == .badRequest, "\(c.name): \(response.text)")
                    #expect(response.errorCode == c.code, "\(c.name): \(response.text)")
                    #expect(try response.decode(ErrorDocument.self).error.message.isEmpty == false)
                }
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func gzippedBodiesAreInflated() async throws {
        try await ServerFixture.with { fixture in
            let body = Gzip.compress(
                Array(json(["type": "track", "event": "zipped", "userId": "u", "messageId": "z-1"]).utf8))
            let deflated = Gzip.zlib(
                Array(json(["type": "track", "event": "deflated", "userId": "u", "messageId": "z-3"]).utf8))
            let sniffed = Gzip.compress(
                Array(json(["type": "track", "event": "sniffed", "userId": "u", "messageId": "z-2"]).utf8))
            try await fixture.serve { client in
                let declared = try await client.post(
                    "/v1/track", body, key: .basic(fixture.writeKey), headers: [.contentEncoding: "gzip"])
                #expect(declared.status == .ok, "\(declared.text)")
                let detected = try await client.post("/v1/track", sniffed, key: .basic(fixture.writeKey))
                #expect(detected.status == .ok, "\(detected.text)")
                let deflate = try await client.post(
                    "/v1/track", deflated, key: .basic(fixture.writeKey), headers: [.contentEncoding: "deflate"])
                #expect(deflate.status == .ok, "\(deflate.text)")
            }
            #expect(Set(try await fixture.storedEvents().map(\.event)) == ["zipped", "sniffed", "deflated"])
        }
    }

    @Test func aBatchOfOnlyBadMessagesIs400AllRejected() async throws {
        try await ServerFixture.with { fixture in
            let body = json([
                "batch": [
                    ["type": "track", "userId": "u"], ["type": "nonsense", "userId": "u"],
                    ["type": "track", "event": "e"],
                ]
            ])
            let document = try await fixture.serve { client in
                let response = try await client.post("/v1/batch", json: body, key: .basic(fixture.writeKey))
                #expect(response.status == .badRequest)
                return try response.decode(ErrorDocument.self)
            }
            #expect(document.error.code == "all_rejected")
            let rejected = try #require(document.rejected)
            #expect(rejected.map(\.index) == [0, 1, 2])
            #expect(rejected.map(\.code) == ["missing_event_name", "unknown_type", "missing_distinct_id"])
            #expect(rejected.allSatisfy { !$0.message.isEmpty })
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func badFeedbackIs400() async throws {
        try await ServerFixture.with { fixture in
            let cases: [(body: String, code: String)] = [
                (json(["userId": "u", "score": 11, "scale": 10]), "invalid_score"),
                (json(["userId": "u", "score": 0, "scale": 5]), "invalid_score"),
                (json(["userId": "u", "score": 7.5, "scale": 10]), "invalid_score"),
                (json(["userId": "u", "scale": 10]), "invalid_score"),
                (json(["userId": "u", "score": 3, "scale": 7]), "invalid_scale"),
                (json(["userId": "u", "score": 3]), "invalid_scale"),
                (json(["userId": "u", "score": 3, "scale": 5, "comment": 12]), "invalid_comment"),
            ]
            try await fixture.serve { client in
                for c in cases {
                    let response = try await client.post("/v1/feedback", json: c.body, key: .basic(fixture.writeKey))
                    #expect(response.status == .badRequest, "\(c.body)")
                    #expect(response.errorCode == c.code, "\(c.body): \(response.text)")
                }
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func unknownPathsAndMethodsAre404() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let unknown = try await client.post("/v2/track", json: "{}", key: .basic(fixture.writeKey))
                #expect(unknown.status == .notFound)
                #expect(unknown.errorCode == "not_found")
                let wrongMethod = try await client.get("/v1/track")
                #expect(wrongMethod.status == .notFound, "\(wrongMethod.status): \(wrongMethod.text)")
                #expect(wrongMethod.errorCode == "not_found")
            }
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await ServerFixture.with { fixture in
            let limit = ServerConfiguration().maxBodyBytes
            #expect(limit == 5_242_880)
            // Raw: one byte over the limit.
            let padding = String(repeating: "x", count: limit)
            let raw = Array(json(["type": "track", "event": "e", "userId": "u", "properties": ["pad": padding]]).utf8)
            // A bomb: 1 GiB of zeros in about 1 MB of gzip, made 1 MiB at a time.
            let bomb = Gzip.compress(chunk: [UInt8](repeating: 0, count: 1 << 20), repeats: 1024)
            #expect(bomb.count < limit)
            // Just over the limit after inflating, though small on the wire.
            let justOver = Gzip.compress(
                Array(json(["type": "track", "event": "e", "userId": "u", "properties": ["pad": padding]]).utf8))
            #expect(justOver.count < limit)
            let batch = json(["batch": (0...2500).map { ["type": "track", "event": "e", "userId": "u\($0)"] }])
            try await fixture.serve { client in
                for (name, body, headers, code) in [
                    ("raw", raw, HTTPFields(), "body_too_large"),
                    ("bomb", bomb, [.contentEncoding: "gzip"], "body_too_large"),
                    ("bomb, sniffed", bomb, HTTPFields(), "body_too_large"),
                    ("inflates just over", justOver, [.contentEncoding: "gzip"], "body_too_large"),
                    ("2501 messages", Array(batch.utf8), HTTPFields(), "batch_too_large"),
                ] as [(String, [UInt8], HTTPFields, String)] {
                    let response = try await client.post(
                        "/v1/batch", body, key: .basic(fixture.writeKey), headers: headers)
                    #expect(response.status == .contentTooLarge, "\(name): \(response.text)")
                    #expect(response.errorCode == code, "\(name)")
                }
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func unknownEncodingIs415() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let response = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u"]),
                    key: .basic(fixture.writeKey),
                    headers: [.contentEncoding: "br"])
                #expect(response.status == .unsupportedMediaType)
                #expect(response.errorCode == "unsupported_encoding")
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func aSecondRequestOverTheRateLimitIs429() async throws {
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            // One request per 1,000 s: no refill between the two requests however slow the machine.
            configuration.rateLimit = 0.001
            try await fixture.serve(configuration: configuration) { client in
                let first = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u", "messageId": "r-1"]),
                    key: .basic(fixture.writeKey))
                #expect(first.status == .ok)
                let second = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u", "messageId": "r-2"]),
                    key: .basic(fixture.writeKey))
                #expect(second.status == .tooManyRequests)
                #expect(second.errorCode == "rate_limited")
                let retry = try #require(second.headers[.retryAfter].flatMap { Int($0) })
                #expect(retry >= 1)
                // Another key has its own bucket.
                let other = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u"]),
                    key: .basic(fixture.betaWriteKey))
                #expect(other.status == .ok)
            }
            #expect(try await fixture.storedEvents().map(\.eventID) == ["r-1"])
        }
    }
}
