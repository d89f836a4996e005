import Testing

@testable import UpliftModel

/// Numbers beyond a double's range are refused per message, naming the field; credentials SDKs put
/// into events are not stored.
struct HostileValueTests {
    static let key = "upw_" + String(repeating: "Ab3", count: 14) + "x"

    @Test(arguments: [
        (#""properties":{"amount":1e400}"#, "properties.amount"),
        (#""properties":{"amount":-1E+400}"#, "properties.amount"),
        (#""properties":{"n":\#(String(repeating: "9", count: 400))}"#, "properties.n"),
        (#""properties":{"items":[{"price":1},{"price":2e999}]}"#, "properties.items[1].price"),
        (#""context":{"screen":{"width":1e309}}"#, "context.screen.width"),
        (#""properties":{"a b":1e400}"#, "properties.…"),
    ])
    func nonFiniteNumbersAreRefusedNamingTheField(_ member: String, _ path: String) throws {
        let result = decode(
            #"{"batch":[{"type":"track","event":"ok","userId":"u"},"#
                + #"{"type":"track","event":"paid","userId":"u",\#(member)}]}"#)
        #expect(result.events.count == 1, "the other message of the batch is accepted")
        let reason = try #require(result.rejections.first)
        #expect(reason.index == 1)
        #expect(reason.reason.code == "number_out_of_range")
        #expect(reason.reason.message.contains("`\(path)`"), "\(reason.reason.message)")
        #expect(!reason.reason.message.contains("400"), "the message never quotes the value")
    }

    @Test func finiteExtremesAndNumericStringsAreKept() throws {
        let event = try single(
            #"{"type":"track","event":"paid","userId":"u","properties":{"a":1.7e308,"b":-1e-400,"c":"1e400","d":"0x1p+2000"}}"#
        )
        let properties = try #require(json(event.properties))
        #expect(properties["a"]?.doubleValue == 1.7e308)
        #expect(properties["c"] == .string("1e400"), "a string stays text; sums never read it as a number")
    }

    @Test func aBatchContextWithANonFiniteNumberRefusesTheBody() {
        let result = decode(#"{"context":{"x":1e400},"batch":[{"type":"track","event":"e","userId":"u"}]}"#)
        #expect(result.bodyRejection?.code == "number_out_of_range")
        #expect(result.bodyRejection?.message.contains("`context.x`") == true)
    }

    @Test func postHogTokensAreNotStored() throws {
        let body =
            #"{"event":"$pageview","distinct_id":"d","properties":{"token":"\#(Self.key)","$token":"\#(Self.key)","#
            + #""$current_url":"https://x.test/","plan":"pro"},"api_key":"\#(Self.key)"}"#
        let result = decode(body)
        #expect(result.writeKey == Self.key, "the key still authenticates the request")
        let event = try #require(result.events.first)
        let properties = try #require(json(event.properties))
        #expect(properties["token"] == nil && properties["$token"] == nil)
        #expect(properties["plan"] == .string("pro") && properties["$current_url"] != nil)
        #expect(!event.properties.contains(Self.key) && !event.context.contains(Self.key))
    }

    @Test func keyShapedValuesAnywhereAreRedacted() throws {
        let read = "upr_" + String(repeating: "Z9", count: 21) + "q"
        let body =
            #"{"type":"identify","userId":"u","traits":{"note":"\#(read)"},"properties":{"nested":{"k":"\#(Self.key)","#
            + #""api_key":"x"},"list":["\#(Self.key)",1],"writeKey":"w","keep":"upw_short"},"#
            + #""context":{"library":{"token":"t","name":"analytics.js"}}}"#
        let event = try single(body)
        for text in [event.properties, event.context] {
            #expect(!text.contains(Self.key) && !text.contains(read), "\(text)")
        }
        let properties = try #require(json(event.properties))
        #expect(properties["nested"]?["k"] == .string("[redacted]"))
        #expect(properties["nested"]?["api_key"] == nil)
        #expect(properties["list"] == .array([.string("[redacted]"), .number("1")]))
        #expect(properties["writeKey"] == nil)
        #expect(properties["keep"] == .string("upw_short"), "only the exact key shape is redacted")
        #expect(properties["$set"]?["note"] == .string("[redacted]"))
        let context = try #require(json(event.context))
        #expect(context["library"]?["token"] == nil && context["library"]?["name"] == .string("analytics.js"))
    }

    @Test func messagesWithoutCredentialsAreCopiedUnchanged() throws {
        let text = #"{"plan":"pro","n":[1,2,{"x":null}],"tokens":3}"#
        let event = try single(#"{"type":"track","event":"e","userId":"u","properties":\#(text)}"#)
        #expect(event.properties == text)
    }
}
