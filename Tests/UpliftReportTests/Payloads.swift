/// Strings that try to break out of text or attribute context. Every renderer gets these as
/// names, titles, property values and comments; none may become markup.
enum Payloads {
    static let longString = String(repeating: "A<b>\"'&", count: 2_000)

    static let corpus: [String] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg onload=alert(1)>",
        "javascript:alert(document.cookie)",
        "</text></svg><script>alert(1)</script>",
        "</title><script>alert(1)</script>",
        "</textarea></style></details><iframe src=//evil>",
        "]]><x>cdata</x>",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<!-- comment --><b>bold</b>",
        "&lt;already&gt; &amp; &#60;script&#62; &unknown;",
        "\u{201C}smart quotes\u{201D} \u{2018}single\u{2019} \u{FF1C}fullwidth\u{FF1E}",
        "ctrl\u{0}\u{1}\u{8}\u{B}\u{C}\u{1B}[31m\u{7F}\u{85}\u{9F}\u{FFFE}\u{FFFF}end",
        "tab\there\nnewline\r\ncrlf",
        "x\" onmouseover=\"alert(1)\" y=\"",
        "x' onfocus='alert(1)' autofocus='",
        "<a href=\"javascript:alert(1)\">click</a>",
        "style=\"background:url(javascript:alert(1))\"",
        "\u{202E}gnp.exe\u{202C} RTL override",
        "emoji 🧪👩‍👩‍👧 and Ünïcödé",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
        "",
        " ",
        longString,
    ]

    /// Attribute names our renderers write; a payload must never add another.
    static let allowedAttributes: Set<String> = [
        "xmlns", "id", "class", "viewBox", "width", "height", "preserveAspectRatio", "role", "aria-label",
        "aria-describedby", "aria-labelledby", "aria-hidden", "font-family", "font-size", "font-weight", "fill",
        "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "stroke-linecap",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "d", "text-anchor", "points", "transform",
        "opacity", "dominant-baseline", "scope", "colspan", "href", "lang", "charset", "name", "content",
        "http-equiv", "open", "title", "dy", "paint-order",
    ]

    /// Element names our renderers write.
    static let allowedElements: Set<String> = [
        "svg", "title", "desc", "g", "rect", "line", "path", "circle", "text", "polygon", "tspan",
        "details", "summary", "table", "caption", "thead", "tbody", "tr", "th", "td",
        "html", "head", "meta", "style", "body", "header", "main", "nav", "section", "h1", "h2", "h3", "p",
        "a", "ul", "ol", "li", "figure", "figcaption", "div", "span", "footer", "strong", "em", "blockquote",
    ]
}
