import Testing

@testable import UpliftModel

struct PostHogDecodingTests {
    @Test func capture() throws {
        let result = decode(
            #"""
            {"api_key":"phc_1","event":"clicked","distinct_id":"d1","uuid":"0190-aa",
             "properties":{"$current_url":"/x","n":1},"timestamp":"2024-05-01T11:00:00Z"}
            """#)
        #expect(result.writeKey == "phc_1")
        let e = try #require(result.events.first)
        #expect(e.eventID == "0190-aa")
        #expect(e.type == .track)
        #expect(e.event == "clicked")
        #expect(e.distinctID == "d1")
        #expect(e.userID == nil)
        #expect(e.anonymousID == nil)
        #expect(e.timestamp == receivedAt - hour)
        #expect(json(e.properties) == json(#"{"$current_url":"/x","n":1}"#))
        #expect(e.context == "{}")
    }

    @Test func identifyLinksAnonDistinctIdAndMergesSet() throws {
        let e = try single(
            #"""
            {"event":"$identify","distinct_id":"user-1","properties":{"$anon_distinct_id":"anon-1"},
             "$set":{"email":"a@b.c"},"$set_once":{"first":"x"}}
            """#)
        #expect(e.type == .identify)
        #expect(e.userID == "user-1")
        #expect(e.anonymousID == "anon-1")
        #expect(
            json(e.properties)
                == json(
                    #"{"$anon_distinct_id":"anon-1","$set":{"email":"a@b.c"},"$set_once":{"first":"x"}}"#))
    }

    @Test func createAlias() throws {
        let e = try single(#"{"event":"$create_alias","distinct_id":"u1","properties":{"alias":"a7"}}"#)
        #expect(e.type == .alias)
        #expect(e.userID == "u1")
        #expect(e.anonymousID == "a7")
    }

    @Test(arguments: [
        ("$pageview", EventType.page), ("$screen", .screen), ("$groupidentify", .group), ("custom", .track),
    ])
    func typeFromName(_ name: String, _ type: EventType) throws {
        let e = try single(#"{"event":"\#(name)","distinct_id":"d"}"#)
        #expect(e.type == type)
        #expect(e.event == name)
    }

    @Test func distinctIdInProperties() throws {
        #expect(try single(#"{"event":"e","properties":{"distinct_id":"p1"}}"#).distinctID == "p1")
        #expect(try single(#"{"event":"e","properties":{"$distinct_id":"p2"}}"#).distinctID == "p2")
    }

    @Test func insertIdIsTheFallbackId() throws {
        #expect(try single(#"{"event":"e","distinct_id":"d","properties":{"$insert_id":"ins"}}"#).eventID == "ins")
        #expect(
            try single(#"{"event":"e","distinct_id":"d","uuid":"u","properties":{"$insert_id":"ins"}}"#).eventID == "u")
    }

    @Test func epochTimestampsAndOffset() throws {
        let ms = receivedAt / 1_000 - 5_000
        #expect(try single(#"{"event":"e","distinct_id":"d","timestamp":\#(ms)}"#).timestamp == receivedAt - 5_000_000)
        let seconds = receivedAt / 1_000_000 - 60
        #expect(
            try single(#"{"event":"e","distinct_id":"d","timestamp":\#(seconds)}"#).timestamp == receivedAt - minute)
        #expect(try single(#"{"event":"e","distinct_id":"d","offset":1500}"#).timestamp == receivedAt - 1_500_000)
    }

    @Test func batchObject() throws {
        let result = decode(
            #"""
            {"api_key":"phc_k","sent_at":"2024-05-01T12:00:10Z","batch":[
              {"event":"a","distinct_id":"d","timestamp":"2024-05-01T12:00:05Z"},
              {"event":"b","distinct_id":"d"}]}
            """#)
        #expect(result.writeKey == "phc_k")
        #expect(result.messageCount == 2)
        #expect(result.events.map(\.event) == ["a", "b"])
        // Client clock 10 s ahead: 12:00:05 − (12:00:10 − 12:00:00) = 11:59:55.
        #expect(result.events[0].timestamp == receivedAt - 5_000_000)
        #expect(result.events[0].sentAt == receivedAt + 10_000_000)
        #expect(result.events[1].timestamp == receivedAt)
    }

    @Test func arrayOfEvents() {
        let result = decode(
            #"[{"event":"a","distinct_id":"d","properties":{"token":"t1"}},{"event":"b","distinct_id":"e"}]"#)
        #expect(result.events.map(\.distinctID) == ["d", "e"])
        #expect(result.writeKey == "t1")
    }

    @Test func writeKeySpellings() {
        #expect(decode(#"{"event":"e","distinct_id":"d","token":"t"}"#).writeKey == "t")
        #expect(decode(#"{"event":"e","distinct_id":"d","$token":"t2"}"#).writeKey == "t2")
        #expect(decode(#"{"event":"e","distinct_id":"d","properties":{"$token":"t3"}}"#).writeKey == "t3")
        #expect(decode(#"{"batch":[],"api_key":"k"}"#).writeKey == "k")
    }

    @Test func topLevelSetReplacesPropertiesSet() throws {
        let e = try single(#"{"event":"e","distinct_id":"d","properties":{"$set":{"old":1},"k":2},"$set":{"new":1}}"#)
        #expect(json(e.properties) == json(#"{"k":2,"$set":{"new":1}}"#))
    }

    @Test func sentAtOnASingleEvent() throws {
        let e = try single(
            #"{"event":"e","distinct_id":"d","timestamp":"2024-05-01T12:00:00Z","sent_at":"2024-05-01T12:00:02Z"}"#)
        #expect(e.timestamp == receivedAt - 2_000_000)
        #expect(e.sentAt == receivedAt + 2_000_000)
    }
}
