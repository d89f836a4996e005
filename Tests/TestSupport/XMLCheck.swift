package import Foundation

#if canImport(FoundationXML)
package import FoundationXML
#endif

/// Parses markup with Foundation's strict XML parser and records every element and attribute,
/// so tests can prove that no payload turned into markup.
package final class XMLCheck: NSObject, XMLParserDelegate {
    package var elements: [String] = []
    package var attributes: [(element: String, name: String, value: String)] = []
    package var text = ""
    package var error: String?

    /// Parses `markup` (an HTML page's DOCTYPE is stripped first: our pages are also well-formed XML).
    package static func parse(_ markup: String) -> XMLCheck {
        var body = markup
        if body.hasPrefix("<!DOCTYPE html>") { body.removeFirst("<!DOCTYPE html>".count) }
        let check = XMLCheck()
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = check
        if !parser.parse() {
            check.error = check.error ?? parser.parserError.map { "\($0)" } ?? "parse failed"
        }
        return check
    }

    package func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        elements.append(name)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { self.attributes.append((name, k, v)) }
    }

    package func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    package func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "line \(parser.lineNumber) col \(parser.columnNumber): \(parseError)"
    }
}
