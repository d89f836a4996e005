import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses a report with Foundation's strict XML parser (our pages are polyglot markup) and records
/// every element and attribute, so tests can prove that no payload turned into markup.
final class ReportXML: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [(element: String, name: String, value: String)] = []
    var text = ""
    var error: String?

    static func parse(_ markup: String) -> ReportXML {
        var body = markup
        if body.hasPrefix("<!DOCTYPE html>") { body.removeFirst("<!DOCTYPE html>".count) }
        let check = ReportXML()
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = check
        if !parser.parse() { check.error = check.error ?? parser.parserError.map { "\($0)" } ?? "parse failed" }
        return check
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { self.attributes.append((name, k, v)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "line \(parser.lineNumber) col \(parser.columnNumber): \(parseError)"
    }

    var ids: [String] { attributes.filter { $0.name == "id" }.map(\.value) }
    var hrefs: [String] { attributes.filter { $0.name == "href" }.map(\.value) }

    /// Element names the report writes; a payload must never add another.
    static let allowedElements: Set<String> = [
        "svg", "title", "desc", "g", "rect", "line", "path", "circle", "text", "polygon", "tspan",
        "details", "summary", "table", "caption", "thead", "tbody", "tr", "th", "td",
        "html", "head", "meta", "style", "body", "header", "main", "nav", "section", "h1", "h2", "h3", "h4", "h5", "h6", "p",
        "a", "ul", "ol", "li", "figure", "figcaption", "div", "span", "footer", "strong", "em", "blockquote", "pre", "code",
    ]
}
