import Testing
import UpliftModel
import UpliftStorage

@testable import UpliftAnalysis

/// A typed property column gives a question exactly the value the member's text gives: the same
/// text for breakdowns and equality, the same number for sums and comparisons.
struct ShreddedPropertyValueTests {
    static let texts = [
        #""pro""#, #""""#, #""29.00""#, #""-1.5e3""#, #""é 🎉""#, #""a\"b\\c\nd""#, #""\u0001""#, "0", "-12",
        "9223372036854775807", "-9223372036854775808", "1.5", "-0.25", "1.0", "0.1", "123456.789", "true", "false",
    ]

    @Test(arguments: texts) func aTypedValueReadsAsItsText(_ text: String) throws {
        let bytes = Array(#"{"k":\#(text)}"#.utf8)
        let tape = try JSONParser.parse(bytes)
        try bytes.withUnsafeBytes { raw in
            let typed = try #require(ShreddedProperty.exactValue(JSONView(bytes: raw, tape: tape), 2))
            let fromText = PropertyReader.values(in: raw, [PropertyReader(PropertyRef("k"))])
            #expect([PropertyReader.value(typed)] == fromText)
        }
    }
}
