import Foundation
import Testing

@testable import UpliftModel

struct BatchTests {
    @Test func partialSuccessKeepsValidMessagesAndIndexesRejections() throws {
        let result = decode(
            #"""
            {"writeKey":"wk","batch":[
              {"type":"track","event":"a","userId":"u1","messageId":"1"},
              {"type":"track","userId":"u1"},
              "not an object",
              {"type":"identify","userId":"u2","messageId":"3"},
              {"type":"nope","userId":"u3"}]}
            """#)
        #expect(result.writeKey == "wk")
        #expect(result.messageCount == 5)
        #expect(result.events.map(\.eventID) == ["1", "3"])
        #expect(result.rejections.map(\.index) == [1, 2, 4])
        #expect(result.rejections.map(\.reason.code) == ["missing_event_name", "invalid_message", "unknown_type"])
    }

    @Test func batchContextMergesAndMessageKeysWin() throws {
        let result = decode(
            #"""
            {"context":{"library":{"name":"analytics-python"},"ip":"1.1.1.1"},"sentAt":"2024-05-01T12:00:30Z",
             "batch":[{"type":"track","event":"a","userId":"u","context":{"ip":"2.2.2.2","locale":"fr"},
                       "timestamp":"2024-05-01T12:00:00Z"},
                      {"type":"track","event":"b","userId":"u"}]}
            """#)
        #expect(result.events.count == 2)
        #expect(
            json(result.events[0].context)
                == json(
                    #"{"library":{"name":"analytics-python"},"ip":"2.2.2.2","locale":"fr"}"#))
        #expect(json(result.events[1].context) == json(#"{"library":{"name":"analytics-python"},"ip":"1.1.1.1"}"#))
        // The batch's sentAt applies to each message: the client is 30 s ahead.
        #expect(result.events[0].timestamp == receivedAt - 30_000_000)
        #expect(result.events[0].sentAt == receivedAt + 30_000_000)
    }

    @Test func deepMessageInBatchIsRejectedAlone() {
        let deep = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let result = decode(
            #"""
            {"batch":[{"type":"track","event":"a","userId":"u","properties":{"d":\#(deep)}},
                      {"type":"track","event":"b","userId":"u"}]}
            """#)
        #expect(result.events.map(\.event) == ["b"])
        #expect(result.rejections.first?.reason.code == "nesting_too_deep")
        #expect(result.rejections.first?.index == 0)
        let absurd = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let body = decode(#"{"batch":[{"type":"track","event":"a","userId":"u","properties":{"d":\#(absurd)}}]}"#)
        #expect(body.bodyRejection?.code == "nesting_too_deep")
    }

    @Test func emptyBatch() {
        let result = decode(#"{"batch":[]}"#)
        #expect(result.events.isEmpty)
        #expect(result.rejections.isEmpty)
        #expect(result.bodyRejection == nil)
        #expect(result.messageCount == 0)
    }

    @Test func mixedDialectsInOneArray() {
        let result = decode(#"[{"type":"track","event":"s","userId":"u"},{"event":"p","distinct_id":"d"}]"#)
        #expect(result.events.map(\.event) == ["s", "p"])
    }
}

struct TimeCorrectionTests {
    @Test func skewCorrection() throws {
        // Client clock one hour fast: the event happened a minute before sending.
        let e = try single(
            #"""
            {"type":"track","event":"x","userId":"u","timestamp":"2024-05-01T12:59:00Z","sentAt":"2024-05-01T13:00:00Z"}
            """#)
        #expect(e.timestamp == receivedAt - minute)
        #expect(e.sentAt == receivedAt + hour)
    }

    @Test func noClientTimeMeansReceiveTime() throws {
        let e = try single(#"{"type":"track","event":"x","userId":"u","sentAt":"2024-05-01T13:00:00Z"}"#)
        #expect(e.timestamp == receivedAt)
        #expect(e.sentAt == receivedAt + hour)
    }

    @Test func farFutureIsClampedAndCounted() throws {
        let result = decode(
            #"""
            [{"type":"track","event":"x","userId":"u","timestamp":"2024-05-02T12:00:00Z"},
             {"type":"track","event":"y","userId":"u","timestamp":"2024-05-02T11:00:00Z"},
             {"type":"track","event":"z","userId":"u","timestamp":"2024-05-02T11:00:00.000001Z"}]
            """#)
        #expect(result.clampedCount == 2)
        #expect(result.events.map(\.timestamp) == [receivedAt, receivedAt + 23 * hour, receivedAt])
    }

    @Test func correctionCanPullAFutureTimeBack() {
        // Client clock two days fast, but consistent: nothing to clamp.
        let result = decode(
            #"""
            {"type":"track","event":"x","userId":"u","timestamp":"2024-05-03T11:00:00Z","sentAt":"2024-05-03T12:00:00Z"}
            """#)
        #expect(result.clampedCount == 0)
        #expect(result.events.first?.timestamp == receivedAt - hour)
    }
}

struct DeterministicIDTests {
    static let message = #"{"type":"track","event":"x","userId":"u","properties":{"a":1}}"#

    @Test func sameBytesSameID() throws {
        let a = try single(Self.message)
        let b = try single(Self.message)
        #expect(a.eventID == b.eventID)
        #expect(a.eventID.hasPrefix("h-"))
        #expect(a.eventID.count == 34)
        #expect(a.eventID == Array(Self.message.utf8).withUnsafeBytes { StableHash.eventID(for: $0) })
    }

    @Test func differentMessagesDifferentIDs() throws {
        let a = try single(Self.message)
        let b = try single(Self.message.replacingOccurrences(of: "\"a\":1", with: "\"a\":2"))
        #expect(a.eventID != b.eventID)
    }

    @Test func batchElementGetsTheSameIDAsTheLoneMessage() throws {
        let alone = try single(Self.message)
        let batch = decode(#"{"sentAt":"2024-05-01T12:00:00Z","batch":[\#(Self.message)]}"#)
        #expect(batch.events.first?.eventID == alone.eventID)
        let posthog = #"{"event":"e","distinct_id":"d"}"#
        #expect(decode("[\(posthog)]").events.first?.eventID == (try single(posthog)).eventID)
    }

    @Test func receiveTimeDoesNotChangeTheID() {
        let a = decode(Self.message, at: receivedAt)
        let b = decode(Self.message, at: receivedAt + hour)
        #expect(a.events.first?.eventID == b.events.first?.eventID)
    }
}
