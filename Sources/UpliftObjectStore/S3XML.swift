/// The few XML documents S3 answers with (an error, a listing, a multipart upload's id), read by tag.
/// S3's responses are flat, namespaced only on the root and free of CDATA and comments, so a reader of
/// `<Name>text</Name>` elements and the five predefined entities (plus numeric ones) is enough; anything
/// it cannot read gives nil, never a crash.
enum S3XML {
    /// The text of the first `<tag>…</tag>` in `xml`, entities decoded; nil when there is none.
    static func text(of tag: String, in xml: Substring) -> String? {
        elements(tag, in: xml).first.map(decode)
    }

    /// The contents of every `<tag>…</tag>` in `xml`, in order (not decoded: they may hold elements).
    static func elements(_ tag: String, in xml: Substring) -> [Substring] {
        let open = "<" + tag + ">"
        let close = "</" + tag + ">"
        var found: [Substring] = []
        var rest = xml
        while let start = rest.firstRange(of: open) {
            guard let end = rest[start.upperBound...].firstRange(of: close) else { break }
            found.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        // An empty element (`<Prefix/>`) has no text.
        return found
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xN;` as their characters; an unknown
    /// entity stays as written.
    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                out += rest[amp...]
                return out
            }
            let name = rest[rest.index(after: amp)..<semicolon]
            switch name {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: Unicode.Scalar?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                } else {
                    scalar = nil
                }
                if let scalar { out.unicodeScalars.append(scalar) } else { out += rest[amp...semicolon] }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }

    /// `value` with `&`, `<` and `>` escaped, for a request body.
    static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}
