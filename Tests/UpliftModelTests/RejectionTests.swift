import Testing

@testable import UpliftModel

struct RejectionTests {
    static let long = String(repeating: "x", count: 201)
    static let deep = String(repeating: #"{"a":"#, count: 32) + "1" + String(repeating: "}", count: 32)

    /// One body per reason code, each refused for exactly that reason.
    static let cases: [(String, String)] = [
        ("invalid_json", #"{"type":"track",}"#),
        ("invalid_utf8", "{\"type\":\"track\",\"event\":\"\u{FF}\"}"),  // replaced below with raw bytes
        ("nesting_too_deep", #"{"type":"track","event":"x","userId":"u","properties":\#(deep)}"#),
        ("invalid_body", "42"),
        ("invalid_message", #"[1]"#),
        ("unknown_type", #"{"type":"click","userId":"u"}"#),
        ("missing_event_name", #"{"type":"track","userId":"u"}"#),
        ("event_name_too_long", #"{"type":"track","event":"\#(long)","userId":"u"}"#),
        ("missing_distinct_id", #"{"type":"track","event":"x"}"#),
        ("invalid_distinct_id", #"{"type":"track","event":"x","userId":{"id":1}}"#),
        ("distinct_id_too_long", #"{"type":"track","event":"x","userId":"\#(long)"}"#),
        ("invalid_event_id", #"{"type":"track","event":"x","userId":"u","messageId":[1]}"#),
        ("event_id_too_long", #"{"type":"track","event":"x","userId":"u","messageId":"\#(long)"}"#),
        ("missing_previous_id", #"{"type":"alias","userId":"u"}"#),
        ("invalid_timestamp", #"{"type":"track","event":"x","userId":"u","timestamp":"yesterday"}"#),
        ("invalid_properties", #"{"type":"track","event":"x","userId":"u","properties":[1]}"#),
        ("invalid_context", #"{"type":"track","event":"x","userId":"u","context":"web"}"#),
        ("invalid_traits", #"{"type":"identify","userId":"u","traits":true}"#),
        ("number_out_of_range", #"{"type":"track","event":"x","userId":"u","properties":{"amount":1e400}}"#),
    ]

    @Test(arguments: cases)
    func eachReason(_ code: String, _ body: String) {
        if code == "invalid_utf8" {
            let bytes = Array(#"{"type":"track","event":""#.utf8) + [0xC3, 0x28] + Array(#"","userId":"u"}"#.utf8)
            let result = WireDecoder().decode(bytes, receivedAt: receivedAt)
            #expect(result.bodyRejection?.code == "invalid_utf8")
            #expect(result.bodyRejection?.message.contains("UTF-8") == true)
            return
        }
        #expect(rejectionCode(body) == code, "\(body)")
    }

    @Test func everyCodeIsCovered() {
        let covered = Set(Self.cases.map(\.0)).union(["event_too_large", "batch_too_large"])
        #expect(covered == Set(Rejection.allCodes))
    }

    @Test func messagesNameTheField() {
        let result = decode(#"{"type":"track","event":"x","userId":"u","sentAt":"soon"}"#)
        let reason = try? #require(result.rejections.first?.reason)
        #expect(reason?.code == "invalid_timestamp")
        #expect(reason?.message.contains("`sentAt`") == true)
        let long = decode(#"{"type":"track","event":"x","anonymousId":"\#(Self.long)"}"#)
        #expect(long.rejections.first?.reason.message.contains("`anonymousId`") == true)
        // Messages never echo the client's values.
        #expect(long.rejections.first?.reason.message.contains("xxxx") == false)
    }

    @Test func eventTooLarge() {
        let big = String(repeating: "y", count: 32 * 1024)
        #expect(
            rejectionCode(#"{"type":"track","event":"x","userId":"u","properties":{"b":"\#(big)"}}"#)
                == "event_too_large")
        let limits = WireLimits(maxEventBytes: 100)
        let fits = String(repeating: "y", count: 20)
        #expect(
            decode(#"{"type":"track","event":"x","userId":"u","properties":{"b":"\#(fits)"}}"#, limits: limits)
                .events.count == 1)
    }

    @Test func batchTooLarge() {
        let limits = WireLimits(maxBatchMessages: 2)
        let three =
            #"{"batch":[{"type":"track","event":"x","userId":"u"},{"type":"track","event":"x","userId":"u"},{"type":"track","event":"x","userId":"u"}]}"#
        #expect(rejectionCode(three, limits: limits) == "batch_too_large")
        #expect(decode(three).events.count == 3)
    }

    @Test func limitsAreInclusive() {
        let name = String(repeating: "n", count: 200)
        #expect(decode(#"{"type":"track","event":"\#(name)","userId":"\#(name)"}"#).events.count == 1)
        let depth32 = String(repeating: "[", count: 31) + String(repeating: "]", count: 31)
        #expect(decode(#"{"type":"track","event":"x","userId":"u","properties":{"a":\#(depth32)}}"#).events.count == 0)
        let depth31 = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
        #expect(decode(#"{"type":"track","event":"x","userId":"u","properties":{"a":\#(depth31)}}"#).events.count == 1)
    }

    @Test func postHogReasons() {
        #expect(rejectionCode(#"{"event":"","distinct_id":"d"}"#) == "missing_event_name")
        #expect(rejectionCode(#"{"distinct_id":"d"}"#) == "missing_event_name")
        #expect(rejectionCode(#"{"event":"e"}"#) == "missing_distinct_id")
        #expect(rejectionCode(#"{"event":"e","distinct_id":""}"#) == "missing_distinct_id")
        #expect(rejectionCode(#"{"event":"$create_alias","distinct_id":"d"}"#) == "missing_previous_id")
        #expect(rejectionCode(#"{"event":"e","distinct_id":"d","$set":1}"#) == "invalid_properties")
        #expect(rejectionCode(#"{"event":"e","distinct_id":"d","timestamp":true}"#) == "invalid_timestamp")
        #expect(rejectionCode(#"{"event":"e","distinct_id":"d","uuid":5.5e300}"#) == "invalid_event_id")
        #expect(rejectionCode(#"{"foo":1}"#) == "unknown_type")
        #expect(rejectionCode(#"{"batch":{}}"#) == "invalid_body")
        #expect(rejectionCode(#"{"batch":[],"context":[]}"#) == "invalid_context")
        #expect(rejectionCode(#"{"batch":[],"sentAt":"never"}"#) == "invalid_timestamp")
    }
}
