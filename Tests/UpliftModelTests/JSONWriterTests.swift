import Foundation
import Testing

@testable import UpliftModel

/// Compact re-serialisation must mean the same as the input, judged by Foundation's parser.
struct JSONWriterTests {
    static let texts: [String] = [
        #"{"a": 1, "b": [true, false, null], "c": {"d": "e\nf", "g": -1.5e3}}"#,
        #"{ "nested" : { "deeper" : [ 1 , { "x" : "\u00e9\uD83D\uDE00" } ] } , "s" : "\"q\"" }"#,
        #"{"plain":"ascii","n":0,"arr":[],"obj":{}}"#,
        #"[ "x" , 12345678901234 , 0.5 ]"#,
        #"{"unicode":"漢字 é","esc":"\t\\\/"}"#,
    ]

    static func compact(_ text: String) throws -> String {
        let bytes = Array(text.utf8)
        let tape = try JSONParser.parse(bytes)
        return bytes.withUnsafeBytes { raw in
            var writer = JSONWriter()
            writer.write(JSONView(bytes: raw, tape: tape), 0)
            return writer.text
        }
    }

    @Test(arguments: texts)
    func roundTripMatchesFoundation(_ text: String) throws {
        let out = try Self.compact(text)
        #expect(!out.contains(" ") || text.contains("漢字 é"))
        let original = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let again = try JSONSerialization.jsonObject(with: Data(out.utf8), options: [.fragmentsAllowed])
        #expect(NSDictionary(dictionary: ["v": original]) == NSDictionary(dictionary: ["v": again]))
        // Compacting twice changes nothing.
        #expect(try Self.compact(out) == out)
    }

    @Test func compactInputIsCopiedVerbatim() throws {
        let text = #"{"a":[1,2,{"b":"c"}],"d":"\u0041"}"#
        #expect(try Self.compact(text) == text)
    }

    @Test func whitespaceInsideIsRemoved() throws {
        #expect(try Self.compact(#"{ "a" : [ 1 , 2 ] , "b" : { } }"#) == #"{"a":[1,2],"b":{}}"#)
    }

    @Test func mergeLaterSourcesWin() throws {
        let text = #"{"x":{"a":1,"b":2},"y":{"b":3,"c":4},"z":{"k":"v"}}"#
        let bytes = Array(text.utf8)
        let tape = try JSONParser.parse(bytes)
        let merged: String = bytes.withUnsafeBytes { raw in
            let view = JSONView(bytes: raw, tape: tape)
            var writer = JSONWriter()
            writer.writeMerged(
                view, objects: [view.member(0, "x"), nil, view.member(0, "y")],
                extras: [("c", .string("s")), ("zz", .entry(view.member(0, "z")!))])
            return writer.text
        }
        let value = try JSONValue(parsing: Array(merged.utf8))
        #expect(
            value
                == .object([
                    ("a", .number("1")), ("b", .number("3")), ("c", .string("s")),
                    ("zz", .object([("k", .string("v"))])),
                ]))
    }

    @Test func stringEscaping() {
        var writer = JSONWriter()
        writer.write(string: "q\"b\\n\n\u{1}é")
        #expect(writer.text == #""q\"b\\n\n\u0001é""#)
    }

    @Test func valueCompactText() throws {
        let value = try JSONValue(parsing: Array(#"{ "a" : [1, "x"] }"#.utf8))
        #expect(value.compactText == #"{"a":[1,"x"]}"#)
    }
}

/// Building a document member by member gives what Foundation reads as the same document.
struct JSONWriterBuilderTests {
    @Test func nestedMembersAndElements() throws {
        var writer = JSONWriter()
        writer.object {
            $0.member("s", "a\"b\n")
            $0.member("i", -3)
            $0.member("d", 0.25)
            $0.member("nan", Double.nan)
            $0.member("b", true)
            $0.member("list") { list in
                list.array {
                    for n in 0..<3 { $0.element { $0.object { $0.member("n", n) } } }
                }
            }
            $0.member("empty") { $0.object { _ in } }
        }
        #expect(
            writer.text
                == #"{"s":"a\"b\n","i":-3,"d":0.25,"nan":null,"b":true,"list":[{"n":0},{"n":1},{"n":2}],"empty":{}}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any]
        #expect(parsed?["s"] as? String == "a\"b\n")
    }

    @Test func valuesAndNumbers() {
        #expect(JSONValue.double(2.0).compactText == "2")
        #expect(JSONValue.double(0.1).compactText == "0.1")
        #expect(JSONValue.double(.infinity).compactText == "null")
        #expect(JSONValue.timestamp(1_714_564_800_000_000).compactText == #""2024-05-01T12:00:00Z""#)
    }
}
