extension UpliftError {
    /// How many Unicode scalars of a value a message shows (`quote`).
    package static let quotedLength = 40

    /// A value the caller sent, as an error message may show it: in single quotes, at most
    /// `quotedLength` Unicode scalars (then `…`), with quotes, backslashes, control and format
    /// characters (line breaks, bidi overrides) escaped as `\u{…}`, so a message stays short and on one
    /// line whatever was sent. Scalars, not characters: one character can hold any number of
    /// combining marks. Only the caller's own value is quoted; stored data (events, files, catalog
    /// rows) and secrets never are.
    package static func quote(_ value: some StringProtocol) -> String {
        var out = "'"
        var count = 0
        for scalar in value.unicodeScalars {
            guard count < quotedLength else {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned:
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                default:
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "'"
    }
}
