public import Foundation
#if canImport(FoundationXML)
public import FoundationXML
#endif

/// Parses markup with Foundation's strict XML parser and records every element and attribute,
/// so tests can prove that no payload turned into markup.
public final class XMLCheck: NSObject, XMLParserDelegate {
    public var elements: [String] = []
    public var attributes: [(element: String, name: String, value: String)] = []
    public var text = ""
    public var error: String?

    /// Parses `markup` (an HTML page's DOCTYPE is stripped first: our pages are also well-formed XML).
    public static func parse(_ markup: String) -> XMLCheck {
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

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { self.attributes.append((name, k, v)) }
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "line \(parser.lineNumber) col \(parser.columnNumber): \(parseError)"
    }
}
