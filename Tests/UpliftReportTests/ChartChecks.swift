import Foundation
import TestSupport
import Testing

/// Structural checks every rendered chart must pass.
enum ChartChecks {
    /// Parses `markup` strictly and checks that only our own elements and attributes exist,
    /// that no link points anywhere but a fragment, and that the root is an accessible image.
    static func assertSafe(_ markup: String, sourceLocation: SourceLocation = #_sourceLocation) -> XMLCheck {
        let check = XMLCheck.parse(markup)
        #expect(check.error == nil, "not well-formed: \(check.error ?? "")", sourceLocation: sourceLocation)
        let strangeElements = Set(check.elements).subtracting(Payloads.allowedElements)
        #expect(strangeElements.isEmpty, "unexpected elements \(strangeElements)", sourceLocation: sourceLocation)
        let strangeAttributes = Set(check.attributes.map(\.name)).subtracting(Payloads.allowedAttributes)
        #expect(strangeAttributes.isEmpty, "unexpected attributes \(strangeAttributes)", sourceLocation: sourceLocation)
        for a in check.attributes where a.name == "href" {
            #expect(
                a.value.hasPrefix("#"), "link leaves the page: \(a.value.prefix(60))", sourceLocation: sourceLocation)
        }
        for a in check.attributes where a.name.hasPrefix("on") {
            Issue.record("event handler attribute \(a.name)", sourceLocation: sourceLocation)
        }
        return check
    }

    static func assertAccessibleSVG(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let check = assertSafe(svg, sourceLocation: sourceLocation)
        #expect(check.elements.first == "svg", sourceLocation: sourceLocation)
        #expect(check.elements.prefix(3) == ["svg", "title", "desc"], sourceLocation: sourceLocation)
        let root = check.attributes.filter { $0.element == "svg" }
        #expect(root.contains { $0.name == "role" && $0.value == "img" }, sourceLocation: sourceLocation)
        #expect(root.contains { $0.name == "aria-label" && !$0.value.isEmpty }, sourceLocation: sourceLocation)
    }

    /// Non-overlapping occurrences of `needle` in `haystack`.
    static func count(_ needle: String, in haystack: String) -> Int {
        var n = 0
        var rest = haystack[...]
        while let r = rest.range(of: needle) {
            n += 1
            rest = rest[r.upperBound...]
        }
        return n
    }

    static func isEmptyState(_ svg: String) -> Bool { svg.contains("class=\"empty-message\"") }
}
