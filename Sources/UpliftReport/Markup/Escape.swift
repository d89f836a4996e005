/// Escaping for text that came from events or users (names, property values, comments, titles).
///
/// Every chart and the page pass such text through these functions before it reaches the output,
/// so a payload renders as text: it can neither open an element nor leave an attribute. The
/// output is also well-formed XML, so the same markup works inline in HTML and as standalone SVG.
package enum Escape {
    /// Escapes `text` for element content (`<text>…</text>`, `<td>…</td>`).
    package static func text(_ text: String) -> String {
        escape(text, attribute: false)
    }

    /// Escapes `text` for a double- or single-quoted attribute value. Tabs and newlines become
    /// character references so attribute-value normalisation cannot change them.
    package static func attribute(_ text: String) -> String {
        escape(text, attribute: true)
    }

    /// A fragment identifier built from a user-given id: ASCII letters, digits, `-` and `_` are
    /// kept (letters lower-cased), every other byte is written as `.xx` in hex, so distinct ids
    /// stay distinct and the result is safe in `id="…"` and `href="#…"` without escaping.
    package static func anchor(_ id: String) -> String {
        if id.isEmpty { return "_" }
        let hex: [Character] = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(id.utf8.count)
        for b in id.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.append(Character(Unicode.Scalar(b)))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                // Upper-case is encoded, not folded, so "A" and "a" stay distinct anchors.
                out.append(".")
                out.append(Character(Unicode.Scalar(b + 32)))
            default:
                out.append(".")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }

    /// Shortens `text` to at most `maxCharacters` characters, ending with `…`, for labels that
    /// must fit a chart; the full text belongs in the data table. Unescaped in, unescaped out.
    package static func truncate(_ text: String, maxCharacters: Int) -> String {
        guard maxCharacters > 1, text.count > maxCharacters else { return text }
        return String(text.prefix(maxCharacters - 1)) + "…"
    }

    private static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"  // also defuses `]]>`
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                if isForbidden(scalar.value) {
                    // XML 1.0 forbids these even as references; HTML treats them as parse errors.
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// C0 controls (other than tab, newline, carriage return), DEL and C1 controls, the
    /// noncharacters U+FFFE / U+FFFF, and the explicit bidi embeddings, overrides and isolates
    /// (U+202A–U+202E, U+2066–U+2069), which let a name such as "\u{202E}gnp.exe" display as
    /// "exe.png" and spill its direction into the text around it. Natural right-to-left text
    /// needs none of them.
    private static func isForbidden(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
}
