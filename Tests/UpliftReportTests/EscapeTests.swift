import TestSupport
import Testing

@testable import UpliftReport

struct EscapeTests {
    @Test(arguments: Payloads.corpus)
    func textContextIsInert(_ payload: String) throws {
        let doc = "<root>\(Escape.text(payload))</root>"
        let check = XMLCheck.parse(doc)
        #expect(check.error == nil, "\(check.error ?? "")")
        #expect(check.elements == ["root"])
    }

    @Test(arguments: Payloads.corpus)
    func attributeContextIsInert(_ payload: String) throws {
        let doc = "<root a=\"\(Escape.attribute(payload))\" b='\(Escape.attribute(payload))'/>"
        let check = XMLCheck.parse(doc)
        #expect(check.error == nil, "\(check.error ?? "")")
        #expect(check.elements == ["root"])
        #expect(check.attributes.map(\.name).sorted() == ["a", "b"])
    }

    @Test func attributeRoundTripKeepsWhitespaceAndText() throws {
        let payload = "a\tb\nc \"q\" 'r' <s> & t"
        let check = XMLCheck.parse("<root a=\"\(Escape.attribute(payload))\"/>")
        #expect(check.attributes.first?.value == payload)
    }

    @Test func textRoundTripsPrintableCharacters() {
        let payload = "<script>alert(\"x\") & 'y'</script> ]]>"
        #expect(XMLCheck.parse("<r>\(Escape.text(payload))</r>").text == payload)
    }

    @Test func controlCharactersBecomeReplacementCharacters() {
        #expect(Escape.text("a\u{0}b\u{1B}c\u{7F}d\u{9F}e\u{FFFF}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}")
        #expect(Escape.text("a\tb\nc") == "a\tb\nc")
        #expect(Escape.text("\u{202E}gnp.exe\u{2066}x") == "\u{FFFD}gnp.exe\u{FFFD}x")
        #expect(Escape.text("שלום مرحبا") == "שלום مرحبا")
        #expect(Escape.attribute("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d")
    }

    @Test func anchorsAreSafeAndDistinct() {
        let ids = ["adoption", "Adoption", "a b", "a.b", "a_b", "a-b", "\"><script>", "é", "", "javascript:x"]
        let anchors = ids.map(Escape.anchor)
        #expect(Set(anchors).count == ids.count)
        for a in anchors {
            #expect(a.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            #expect(!a.isEmpty)
        }
        #expect(Escape.anchor("weekly-active_2") == "weekly-active_2")
    }

    @Test func truncateKeepsShortTextAndMarksCut() {
        #expect(Escape.truncate("short", maxCharacters: 10) == "short")
        #expect(Escape.truncate("0123456789abc", maxCharacters: 5) == "0123…")
    }
}
