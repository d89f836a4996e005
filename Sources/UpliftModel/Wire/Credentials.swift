/// Credentials that SDKs put inside events, which must never be stored: posthog-js sends the project
/// token as `properties.token` and `$token`, other SDKs `api_key` or `writeKey`, and a careless app
/// may put any Uplift key into a property. Stored, a `breakdown` query would hand them to anyone
/// with a read key, and the README promises that only hashes of keys are kept.
///
/// At ingest, members with these names are dropped (at any depth of `properties`, `context`,
/// `traits`, `$set` and `$set_once`), and any string shaped like an Uplift key (`up?_` and 43 base62
/// characters, wherever it appears) is replaced by `"[redacted]"`.
enum Credentials {
    static let memberNames: Set<String> = [
        "token", "$token", "api_key", "$api_key", "apiKey", "writeKey", "write_key",
    ]

    static let placeholder = "[redacted]"

    /// Length of an Uplift key: a four-character prefix and 43 base62 characters.
    static let keyLength = 47

    static var redaction: JSONRedaction {
        JSONRedaction(memberNames: memberNames, placeholder: placeholder, isSecret: isKeyShaped)
    }

    /// Whether a string entry looks like an Uplift key (`upw_…`, `upr_…` or any future `up?_…`).
    static func isKeyShaped(_ view: JSONView, _ index: Int) -> Bool {
        let e = view[index]
        guard e.kind == .string else { return false }
        if e.flag {
            guard let text = view.string(index) else { return false }
            return isKeyShaped(Array(text.utf8))
        }
        guard Int(e.end - e.start) == keyLength else { return false }
        return isKeyShaped(Array(view.raw(index)))
    }

    static func isKeyShaped(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == keyLength, bytes[0] == UInt8(ascii: "u"), bytes[1] == UInt8(ascii: "p"),
            bytes[3] == UInt8(ascii: "_")
        else { return false }
        return bytes[4...].allSatisfy { c in
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        }
    }

    /// Whether anything inside the values at `indices` needs redacting: a string (name or value) that
    /// is a credential's name or shaped like a key. Most messages have none and are copied unchanged.
    static func appear(_ view: JSONView, in indices: [Int]) -> Bool {
        for index in indices {
            var i = index
            let end = max(Int(view[index].next), index + 1)
            while i < end {
                if view.kind(i) == .string, isCredentialName(view, i) || isKeyShaped(view, i) { return true }
                i += 1
            }
        }
        return false
    }

    private static func isCredentialName(_ view: JSONView, _ index: Int) -> Bool {
        let e = view[index]
        let n = Int(e.end - e.start)
        guard e.flag || (n >= 5 && n <= 9) else { return false }
        return memberNames.contains(view.string(index) ?? "")
    }
}
