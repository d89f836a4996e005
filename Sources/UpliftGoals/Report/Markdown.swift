import UpliftReport

/// A small, safe Markdown renderer for the PR/FAQ body: headings, paragraphs, emphasis, lists,
/// code and links. Every piece of text goes through `Escape`; raw HTML in the source is shown as
/// text; link targets other than http(s), mailto and in-page fragments are dropped (the link text stays).
package enum Markdown {
    package static func html(_ source: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var code: [String]?

        func flushParagraph() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>" }
            paragraph = []
        }
        func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                out += "<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>"
            }
            list = nil
        }

        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let trimmed = line.trimmingSpaces
            if var block = code {
                if trimmed.hasPrefix("```") {
                    out += "<pre><code>" + Escape.text(block.joined(separator: "\n")) + "</code></pre>"
                    code = nil
                } else {
                    block.append(line)
                    code = block
                }
                continue
            }
            if trimmed.hasPrefix("```") {
                flushParagraph()
                flushList()
                code = []
                continue
            }
            if trimmed.isEmpty {
                flushParagraph()
                flushList()
                continue
            }
            if let (level, text) = heading(trimmed) {
                flushParagraph()
                flushList()
                // The page title is h1 and sections are h2: body headings start at h3.
                let h = min(level + 2, 6)
                out += "<h\(h)>" + inline(text) + "</h\(h)>"
                continue
            }
            if let (ordered, text) = listItem(trimmed) {
                flushParagraph()
                if let l = list, l.ordered != ordered { flushList() }
                if list == nil { list = (ordered, []) }
                list?.items.append(text)
                continue
            }
            if list != nil, line.hasPrefix("  "), var l = list, let last = l.items.popLast() {
                l.items.append(last + " " + trimmed)
                list = l
                continue
            }
            flushList()
            paragraph.append(trimmed)
        }
        if let block = code { out += "<pre><code>" + Escape.text(block.joined(separator: "\n")) + "</code></pre>" }
        flushParagraph()
        flushList()
        return out
    }

    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (hashes, String(rest).trimmingSpaces)
    }

    private static func listItem(_ line: String) -> (Bool, String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)).trimmingSpaces)
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count < 10 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (true, String(rest.dropFirst(2)).trimmingSpaces) }
        }
        return nil
    }

    /// Inline spans: `code`, **strong**, *em* / _em_, [text](href). Unmatched markers are literal text.
    package static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var plain = ""
        var i = 0
        func flush() {
            out += Escape.text(plain)
            plain = ""
        }
        func find(_ marker: [Character], from: Int) -> Int? {
            var j = from
            while j + marker.count <= chars.count {
                if Array(chars[j..<(j + marker.count)]) == marker { return j }
                j += 1
            }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!".contains(chars[i + 1]) {
                plain.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "`", let end = find(["`"], from: i + 1) {
                flush()
                out += "<code>" + Escape.text(String(chars[(i + 1)..<end])) + "</code>"
                i = end + 1
                continue
            }
            // `_` inside a word (event names such as feature_x_used) is a letter, not emphasis.
            let opens = c == "*" || (c == "_" && (i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)))
            if opens, i + 1 < chars.count, chars[i + 1] == c, let end = find([c, c], from: i + 2), end > i + 2 {
                flush()
                out += "<strong>" + inline(String(chars[(i + 2)..<end])) + "</strong>"
                i = end + 2
                continue
            }
            if opens, let end = find([c], from: i + 1), end > i + 1, chars[i + 1] != " " {
                flush()
                out += "<em>" + inline(String(chars[(i + 1)..<end])) + "</em>"
                i = end + 1
                continue
            }
            if c == "[", let close = find(["]", "("], from: i + 1), let paren = find([")"], from: close + 2) {
                flush()
                let label = inline(String(chars[(i + 1)..<close]))
                let href = String(chars[(close + 2)..<paren]).trimmingSpaces
                if let safe = safeHref(href) {
                    out += "<a href=\"" + Escape.attribute(safe) + "\">" + label + "</a>"
                } else {
                    out += label
                }
                i = paren + 1
                continue
            }
            plain.append(c)
            i += 1
        }
        flush()
        return out
    }

    /// Only web, mail and in-page links survive; anything else (javascript:, data:, relative paths) is dropped.
    package static func safeHref(_ href: String) -> String? {
        guard !href.isEmpty, !href.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
        else { return nil }
        let lower = href.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return href }
        if href.hasPrefix("#") { return "#" + Escape.anchor(String(href.dropFirst())) }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
