import Testing

@testable import UpliftModel

/// How error messages show a value the caller sent: short, quoted, one line.
struct QuoteTests {
    @Test func shortValuesAreQuotedAsTheyAre() {
        #expect(UpliftError.quote("plan=pro") == "'plan=pro'")
        #expect(UpliftError.quote("") == "''")
        #expect(UpliftError.quote("café") == "'café'")
    }

    @Test func longValuesStopAtFortyScalars() {
        let quoted = UpliftError.quote(String(repeating: "x", count: 10_000))
        #expect(quoted == "'" + String(repeating: "x", count: 40) + "…'")
    }

    /// One character with thousands of combining marks is still cut at 40 scalars.
    @Test func combiningMarksCountAsScalars() {
        let value = "e" + String(repeating: "\u{301}", count: 5_000)
        #expect(value.count == 1)
        let quoted = UpliftError.quote(value)
        #expect(quoted.unicodeScalars.count == 40 + 3)
    }

    @Test func quotesLineBreaksAndControlsAreEscaped() {
        #expect(UpliftError.quote("a'b\\c") == #"'a\'b\\c'"#)
        #expect(UpliftError.quote("a\nb\r\u{1B}[31m") == #"'a\u{a}b\u{d}\u{1b}[31m'"#)
        #expect(UpliftError.quote("\u{202E}evil") == #"'\u{202e}evil'"#)
        #expect(!UpliftError.quote("x\ny").contains("\n"))
    }
}
