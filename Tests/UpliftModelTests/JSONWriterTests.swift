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
        #expect(value == .object([
            ("a", .number("1")), ("b", .number("3")), ("c", .string("s")), ("zz", .object([("k", .string("v"))])),
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
