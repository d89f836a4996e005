import Foundation
import TestSupport
import Testing
import UpliftModel
import UpliftWorkload

/// Generated answers decode through the real wire decoder (as `uplift import` does) into
/// `$feedback` events carrying what the feedback engine reads, in both dialects, and hold
/// exactly what `POST /v1/feedback` stores for the same answer.
@Suite struct FeedbackWireTests {
    static let receivedAt = Timestamp.parse("2026-06-01T00:00:00Z") ?? 0

    /// The stored properties of a decoded event.
    static func properties(_ event: Event) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.properties.utf8)) as? [String: Any])
    }

    /// The five members the engine reads, normalised for comparison.
    static func feedbackMembers(_ p: [String: Any]) -> [String] {
        ["score", "scale", "comment", "feature", "survey"].map { key in p[key].map { "\(key)=\($0)" } ?? "\(key) absent"
        }
    }

    @Test(arguments: [Dialect.segment, .posthog])
    func answersDecodeIntoFeedbackEventsTheEngineReads(_ dialect: Dialect) throws {
        let config = GeneratorConfig(events: 60_000, users: 1_500, days: 20, seed: 31, dialect: dialect)
        var decoder = WireDecoder()
        decoder.correctsClockSkew = false
        let marker = Array("\"\(Truth.feedbackEvent)\"".utf8)
        var answers = 0
        var comments = 0
        var scales = Set<Int>()
        for line in Workloads.lines(try EventGenerator.generateAll(config)) where line.firstRange(of: marker) != nil {
            let result = decoder.decode(Array(line), receivedAt: Self.receivedAt)
            #expect(result.rejections.isEmpty && result.bodyRejection == nil)
            let event = try #require(result.events.first)
            #expect(event.type == .track && event.event == WireDecoder.feedbackEvent)
            #expect(event.distinctID.hasPrefix("user-"))
            let p = try Self.properties(event)
            // The engine scores a whole `score` on `scale` 10 (0…10) or 5 (1…5).
            let score = try #require(p["score"] as? Double)
            let scale = try #require(p["scale"] as? Double)
            #expect(score == score.rounded())
            #expect(scale == 10 ? (0...10).contains(score) : (scale == 5 && (1...5).contains(score)))
            #expect(p["feature"] is String && p["survey"] is String)
            scales.insert(Int(scale))
            answers += 1
            if let comment = p["comment"] as? String {
                comments += 1
                #expect((Truth.npsComments + Truth.csatComments).contains(comment))
            }

            // The same answer sent to POST /v1/feedback is stored with the same members.
            var body: [String: Any] = ["userId": event.distinctID, "score": Int(score), "scale": Int(scale)]
            for key in ["comment", "feature", "survey"] { body[key] = p[key] }
            let posted = decoder.decodeFeedback(
                Array(try JSONSerialization.data(withJSONObject: body)), receivedAt: Self.receivedAt)
            let stored = try #require(posted.events.first, "\(String(describing: posted.bodyRejection))")
            #expect(stored.event == event.event && stored.type == event.type)
            #expect(Self.feedbackMembers(try Self.properties(stored)) == Self.feedbackMembers(p))
        }
        #expect(answers > 30 && comments > 5)
        #expect(scales == [5, 10])
    }
}
