import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftAnalysis

/// `contains` filters: the linear search against a naive byte search on many generated cases, the
/// adversarial shape that made the old search quadratic, and the old semantics kept.
struct SubstringSearchTests {
    /// The reference: every start position, compared byte by byte.
    static func naive(_ text: String, _ needle: String) -> Bool {
        let t = Array(text.utf8)
        let n = Array(needle.utf8)
        guard !n.isEmpty, t.count >= n.count else { return false }
        return (0...(t.count - n.count)).contains { i in Array(t[i..<(i + n.count)]) == n }
    }

    /// Small alphabets make long partial matches (the failure table's whole work) common.
    @Test(arguments: [["a", "b"], ["a", "b", "c"], ["a", "é", "😀", "b"], ["ab", "a", "b", "aab"]])
    func agreesWithANaiveSearch(_ alphabet: [String]) {
        var random = SeededRandom(seed: UInt64(alphabet.joined().utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        for _ in 0..<3_000 {
            let text = (0..<random.below(40)).map { _ in alphabet[random.below(alphabet.count)] }.joined()
            // Needles cut from the text are found; made-up ones mostly not.
            let needle: String
            if random.below(2) == 0, !text.isEmpty {
                let chars = Array(text)
                let start = random.below(chars.count)
                needle = String(chars[start..<min(chars.count, start + 1 + random.below(8))])
            } else {
                needle = (0..<random.below(10)).map { _ in alphabet[random.below(alphabet.count)] }.joined()
            }
            let search = SubstringSearch(needle)
            #expect(search.occurs(in: text) == Self.naive(text, needle), "\(text) ~ \(needle)")
            let filter = PropertyFilter(property: PropertyRef("p"), op: .contains, values: [needle])
            #expect(filter.matches(.value(text: text, number: nil)) == Self.naive(text, needle))
        }
    }

    /// A 64 KB value of "a" against an 8 KB needle "aaa…ab": 512 M byte comparisons for a naive search,
    /// about 128 K steps for this one.
    @Test func theAdversarialShapeIsLinear() {
        let value = String(repeating: "a", count: 64 << 10)
        let needle = String(repeating: "a", count: (8 << 10) - 1) + "b"
        let search = SubstringSearch(needle)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(!search.occurs(in: value))
        #expect(search.occurs(in: value + "b"))
        #expect(SubstringSearch(String(repeating: "a", count: 8 << 10)).occurs(in: value))
        // Debug build, loaded machine: the quadratic search took minutes; this takes milliseconds.
        #expect(clock.now - start < .seconds(2))
    }

    /// What the old `String.contains` answered on text without combining marks or CR LF: the same,
    /// case-sensitive; an empty operand matches nothing.
    @Test func keepsTheOldSemanticsOnPlainText() {
        let cases: [(String, String)] = [
            ("Checkout page", "page"), ("Checkout page", "Page"), ("abc", "abc"), ("abc", "abcd"), ("abc", ""),
            ("", ""), ("", "a"), ("naïve café", "café"), ("naïve café", "cafe"), ("x😀y", "😀"), ("aaab", "aab"),
        ]
        for (text, needle) in cases {
            #expect(SubstringSearch(needle).occurs(in: text) == text.contains(needle), "\(text) ~ \(needle)")
        }
        // Bytes, not canonical equivalence: a decomposed é does not match a precomposed one.
        #expect(!SubstringSearch("caf\u{E9}").occurs(in: "cafe\u{301}"))
    }
}
