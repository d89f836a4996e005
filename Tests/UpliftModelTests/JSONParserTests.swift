import Testing

@testable import UpliftModel

/// Conformance in the style of JSONTestSuite: `y_` texts must parse, `n_` texts must not.
struct JSONParserTests {
    static let accepted: [String] = [
        #"{}"#, #"[]"#, #"0"#, #"-0"#, #"1.5e10"#, #"-1.0E-2"#, #"1e+2"#, #"123456789012345678901234567890"#,
        #""""#, #"" ""#, #"null"#, #"true"#, #"false"#, " \t\r\n[1] \n", #"[[],{}]"#,
        #"{"a":1,"a":2}"#, #"["\"\\\/\b\f\n\r\t"]"#, #"["\u0000"]"#, #"["\uD834\uDD1E"]"#, #"["\u00e9"]"#,
        #"["é漢字😀"]"#, #"{"":0}"#, #"[1,[2,[3]]]"#, #"{"a":{"b":{"c":[null]}}}"#, #"[-123.456e-789]"#,
        #"["\uFFFF"]"#, #"["\/"]"#, #"{"x" : [ 1 , 2 ] }"#,
    ]

    static let refused: [(String, UpliftError.Code)] = [
        ("", .invalidJSON), (" ", .invalidJSON), ("[1]x", .invalidJSON), ("[1] [2]", .invalidJSON),
        ("01", .invalidJSON), ("[01]", .invalidJSON), ("-01", .invalidJSON), ("[-]", .invalidJSON),
        ("[1.]", .invalidJSON), ("[.5]", .invalidJSON), ("[1e]", .invalidJSON), ("[1e+]", .invalidJSON),
        ("[+1]", .invalidJSON), ("NaN", .invalidJSON), ("[NaN]", .invalidJSON), ("[Infinity]", .invalidJSON),
        ("[-Infinity]", .invalidJSON), ("[0x10]", .invalidJSON), ("[1,]", .invalidJSON), ("[,1]", .invalidJSON),
        (#"{"a":1,}"#, .invalidJSON), (#"{"a" 1}"#, .invalidJSON), (#"{a:1}"#, .invalidJSON),
        (#"{'a':1}"#, .invalidJSON), (#"['a']"#, .invalidJSON), ("[\"\t\"]", .invalidJSON),
        ("[\"\n\"]", .invalidJSON), ("[\"\u{1}\"]", .invalidJSON), (#"["\x41"]"#, .invalidJSON),
        (#"["\u12"]"#, .invalidJSON), (#"["\uZZZZ"]"#, .invalidJSON), (#"["\uD834"]"#, .invalidJSON),
        (#"["\uD834x"]"#, .invalidJSON), (#"["\uD834\u0041"]"#, .invalidJSON), (#"["\uDD1E"]"#, .invalidJSON),
        (#"["\"#, .invalidJSON), (#"["abc"#, .invalidJSON), ("[tru]", .invalidJSON), ("[True]", .invalidJSON),
        ("[nul]", .invalidJSON), ("{", .invalidJSON), ("[", .invalidJSON), ("]", .invalidJSON),
        ("[1 2]", .invalidJSON), (#"{"a":1 "b":2}"#, .invalidJSON), ("\u{FEFF}[]", .invalidJSON),
        ("[1]\u{0}", .invalidJSON), ("/* c */ []", .invalidJSON), ("[\"a\"\"b\"]", .invalidJSON),
    ]

    static let invalidUTF8: [[UInt8]] = [
        [0x22, 0xFF, 0x22],  // never valid
        [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // past U+10FFFF
        [0x22, 0xC3, 0x22],  // truncated
        [0x22, 0x80, 0x22],  // lone continuation
        [0x22, 0xE2, 0x82, 0x41, 0x22],  // bad third byte
    ]

    @Test(arguments: accepted)
    func acceptsValid(_ text: String) throws {
        let tape = try JSONParser.parse(Array(text.utf8))
        #expect(!tape.entries.isEmpty)
    }

    @Test(arguments: refused)
    func refusesInvalid(_ text: String, _ code: UpliftError.Code) {
        #expect(throws: UpliftError.self) { try JSONParser.parse(Array(text.utf8)) }
        do {
            _ = try JSONParser.parse(Array(text.utf8))
        } catch {
            #expect(error.code == code, "\(text): \(error.message)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test(arguments: invalidUTF8)
    func refusesInvalidUTF8(_ bytes: [UInt8]) {
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("accepted invalid UTF-8 \(bytes)")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test func invalidUTF8InsideLongASCIIRunIsFound() {
        // The eight-byte fast path must not skip over a bad byte.
        for at in 1..<20 {
            var bytes = Array("\"abcdefghijklmnopqrstuvwxyz\"".utf8)
            bytes[at] = 0xFF
            #expect(throws: UpliftError.self) { try JSONParser.parse(bytes) }
            bytes[at] = 0x0A
            #expect(throws: UpliftError.self) { try JSONParser.parse(bytes) }
            bytes[at] = UInt8(ascii: "\"")
            #expect(throws: UpliftError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func depthLimit() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let tape = try JSONParser.parse(Array(ok.utf8), maxDepth: 32)
        #expect(tape.deepest == 32)
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        do {
            _ = try JSONParser.parse(Array(deep.utf8), maxDepth: 32)
            Issue.record("accepted depth 33")
        } catch {
            #expect(error.code == .nestingTooDeep)
        }
        // Far deeper input must fail the same way, not exhaust the stack.
        let huge = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: UpliftError.self) { try JSONParser.parse(Array(huge.utf8)) }
    }

    @Test func decodesStrings() throws {
        let value = try JSONValue(parsing: Array(#"["a\"b\\c\/\n\u00e9\uD83D\uDE00", "plain"]"#.utf8))
        #expect(value == .array([.string("a\"b\\c/\né😀"), .string("plain")]))
    }

    @Test func lastDuplicateMemberWinsOnLookup() throws {
        let value = try JSONValue(parsing: Array(#"{"a":1,"a":2}"#.utf8))
        #expect(value["a"] == .number("2"))
    }

    @Test func valueErrorsCarryCodes() {
        do {
            _ = try JSONValue(parsing: [0x22, 0xFF, 0x22])
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidUTF8)
        }
    }
}
