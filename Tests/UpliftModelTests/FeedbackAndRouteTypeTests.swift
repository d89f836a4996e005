import Foundation
import Testing

@testable import UpliftModel

/// Feedback bodies, the type Segment's single-message paths imply, and times before 1970.
struct FeedbackAndRouteTypeTests {
    let receivedAt: Int64 = 1_714_564_800_000_000  // 2024-05-01T12:00:00Z

    func feedback(_ text: String) -> DecodeResult {
        WireDecoder().decodeFeedback(Array(text.utf8), receivedAt: receivedAt)
    }

    @Test func feedbackBecomesAFeedbackTrackEvent() throws {
        let result = feedback(
            #"{"userId":"u1","score":9,"scale":10,"comment":"Love it","feature":"export","survey":"nps-q2","properties":{"plan":"pro","score":1},"messageId":"f-1","writeKey":"wk"}"#
        )
        #expect(result.bodyRejection == nil)
        #expect(result.writeKey == "wk")
        let event = try #require(result.events.first)
        #expect(
            event.type == .track && event.event == "$feedback" && event.distinctID == "u1" && event.eventID == "f-1")
        let properties = try #require(
            try JSONSerialization.jsonObject(with: Data(event.properties.utf8)) as? [String: Any])
        #expect(properties["score"] as? Int == 9)  // the top-level score wins over properties.score
        #expect(properties["scale"] as? Int == 10)
        #expect(properties["comment"] as? String == "Love it")
        #expect(properties["feature"] as? String == "export")
        #expect(properties["survey"] as? String == "nps-q2")
        #expect(properties["plan"] as? String == "pro")
    }

    @Test(arguments: [
        (#"{"userId":"u","score":11,"scale":10}"#, "invalid_score"),
        (#"{"userId":"u","score":0,"scale":5}"#, "invalid_score"),
        (#"{"userId":"u","score":4.5,"scale":5}"#, "invalid_score"),
        (#"{"userId":"u","score":"9","scale":10}"#, "invalid_score"),
        (#"{"userId":"u","score":3,"scale":7}"#, "invalid_scale"),
        (#"{"userId":"u","score":3}"#, "invalid_scale"),
        (#"{"userId":"u","score":3,"scale":5,"comment":5}"#, "invalid_comment"),
        (#"{"score":3,"scale":5}"#, "missing_distinct_id"),
        (#"[1]"#, "invalid_body"),
        (#"{"userId":"#, "invalid_json"),
    ])
    func badFeedbackIsRefusedNamingTheField(_ body: String, _ code: String) {
        let result = feedback(body)
        #expect(result.events.isEmpty)
        #expect(result.bodyRejection?.code == code)
    }

    @Test func singleMessagePathsImplyTheType() throws {
        var decoder = WireDecoder()
        decoder.impliedType = .page
        let result = decoder.decode(Array(#"{"userId":"u","name":"Pricing"}"#.utf8), receivedAt: receivedAt)
        let event = try #require(result.events.first)
        #expect(event.type == .page && event.event == "$pageview")
        // A message's own type wins over the path's.
        let explicit = decoder.decode(Array(#"{"type":"track","event":"x","userId":"u"}"#.utf8), receivedAt: receivedAt)
        #expect(explicit.events.first?.type == .track)
    }

    @Test func timesBefore1970AreRefused() {
        let decoder = WireDecoder()
        let early = decoder.decode(
            Array(#"{"type":"track","event":"e","userId":"u","timestamp":-200000000000000}"#.utf8),
            receivedAt: receivedAt)
        #expect(early.rejections.first?.reason.code == "invalid_timestamp")
        let corrected = decoder.decode(
            Array(
                #"{"type":"track","event":"e","userId":"u","timestamp":"1971-01-01T00:00:00Z","sentAt":"9999-12-31T23:59:59Z"}"#
                    .utf8),
            receivedAt: receivedAt)
        #expect(corrected.rejections.first?.reason.code == "invalid_timestamp")
    }
}
