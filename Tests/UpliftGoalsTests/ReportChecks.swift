import TestSupport

/// What the report tests read from a parsed page (`XMLCheck`, from TestSupport).
extension XMLCheck {
    var ids: [String] { attributes.filter { $0.name == "id" }.map(\.value) }
    var hrefs: [String] { attributes.filter { $0.name == "href" }.map(\.value) }

    /// Element names the report writes; a payload must never add another.
    static let allowedElements: Set<String> = [
        "svg", "title", "desc", "g", "rect", "line", "path", "circle", "text", "polygon", "tspan",
        "details", "summary", "table", "caption", "thead", "tbody", "tr", "th", "td",
        "html", "head", "meta", "style", "body", "header", "main", "nav", "section", "h1", "h2", "h3", "h4", "h5", "h6",
        "p",
        "a", "ul", "ol", "li", "figure", "figcaption", "div", "span", "footer", "strong", "em", "blockquote", "pre",
        "code",
    ]
}
