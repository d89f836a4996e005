import Testing

@testable import UpliftModel

struct SegmentDecodingTests {
    @Test func track() throws {
        let e = try single(
            #"""
            {"type":"track","event":"Signed Up","userId":"u1","anonymousId":"a1","messageId":"m1",
             "timestamp":"2024-05-01T11:59:00Z","sentAt":"2024-05-01T11:59:30Z",
             "properties":{"plan":"pro","seats":3},"context":{"ip":"1.2.3.4","library":{"name":"analytics.js"}}}
            """#)
        #expect(e.eventID == "m1")
        #expect(e.type == .track)
        #expect(e.event == "Signed Up")
        #expect(e.distinctID == "u1")
        #expect(e.userID == "u1")
        #expect(e.anonymousID == "a1")
        // The client clock is 30 s behind: 11:59:00 − (11:59:30 − 12:00:00) = 11:59:30.
        #expect(e.timestamp == receivedAt - 30_000_000)
        #expect(e.sentAt == receivedAt - 30_000_000)
        #expect(e.receivedAt == receivedAt)
        #expect(json(e.properties) == json(#"{"plan":"pro","seats":3}"#))
        #expect(json(e.context) == json(#"{"ip":"1.2.3.4","library":{"name":"analytics.js"}}"#))
        #expect(!e.properties.contains(" "))
    }

    @Test func anonymousOnlyTrack() throws {
        let e = try single(#"{"type":"track","event":"Viewed","anonymousId":"a1","messageId":"m"}"#)
        #expect(e.distinctID == "a1")
        #expect(e.userID == nil)
        #expect(e.anonymousID == "a1")
        #expect(e.properties == "{}")
        #expect(e.context == "{}")
        #expect(e.timestamp == receivedAt)
    }

    @Test func identifyStoresTraitsAsSet() throws {
        let e = try single(
            #"""
            {"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"x@y.z","plan":"pro"},
             "properties":{"k":1},"messageId":"m2"}
            """#)
        #expect(e.type == .identify)
        #expect(e.event == "$identify")
        #expect(e.userID == "u1")
        #expect(e.anonymousID == "a1")
        #expect(json(e.properties) == json(#"{"k":1,"$set":{"email":"x@y.z","plan":"pro"}}"#))
    }

    @Test func pageAndScreenNames() throws {
        let page = try single(#"{"type":"page","name":"Pricing","userId":"u1","properties":{"url":"/p"}}"#)
        #expect(page.type == .page)
        #expect(page.event == "$pageview")
        #expect(json(page.properties) == json(#"{"url":"/p","name":"Pricing"}"#))
        let screen = try single(#"{"type":"screen","name":"Home","anonymousId":"a"}"#)
        #expect(screen.type == .screen)
        #expect(screen.event == "$screen")
        #expect(json(screen.properties) == json(#"{"name":"Home"}"#))
    }

    @Test func groupStoresGroupIdAndTraits() throws {
        let e = try single(#"{"type":"group","groupId":"g1","userId":"u1","traits":{"name":"Acme"}}"#)
        #expect(e.type == .group)
        #expect(e.event == "$groupidentify")
        #expect(json(e.properties) == json(#"{"$group_id":"g1","$set":{"name":"Acme"}}"#))
    }

    @Test func aliasLinksPreviousId() throws {
        let e = try single(#"{"type":"alias","userId":"u1","previousId":"a9","anonymousId":"a1"}"#)
        #expect(e.type == .alias)
        #expect(e.event == "$create_alias")
        #expect(e.distinctID == "u1")
        #expect(e.userID == "u1")
        #expect(e.anonymousID == "a9")
    }

    @Test func originalTimestampIsTheFallback() throws {
        let e = try single(#"{"type":"track","event":"x","userId":"u","originalTimestamp":"2024-05-01T10:00:00Z"}"#)
        #expect(e.timestamp == receivedAt - 2 * hour)
        #expect(e.sentAt == nil)
    }

    @Test func numericUserIdAndNulls() throws {
        let e = try single(
            #"{"type":"track","event":"x","userId":12345,"anonymousId":null,"properties":null,"context":null}"#)
        #expect(e.distinctID == "12345")
        #expect(e.anonymousID == nil)
        #expect(e.properties == "{}")
    }

    @Test func escapedMemberNamesAreRecognised() throws {
        let e = try single(#"{"\u0074ype":"track","ev\u0065nt":"x","userId":"u\u00e9"}"#)
        #expect(e.event == "x")
        #expect(e.distinctID == "ué")
    }

    @Test func writeKeyFromBody() {
        #expect(decode(#"{"type":"track","event":"x","userId":"u","writeKey":"wk"}"#).writeKey == "wk")
        #expect(decode(#"{"type":"track","event":"x","userId":"u"}"#).writeKey == nil)
    }
}
