import Hummingbird

/// Where an ingestion request carries its write key: `Authorization: Basic base64(key:)` (Segment's
/// SDKs), `Authorization: Bearer key`, or a body member (`writeKey`, `api_key`, `token`, `$token`).
/// The header wins when both are present. Parsed without Foundation: it runs on every request.
enum Credentials {
    /// The `Authorization` scheme, lowercased (`basic`, `bearer`); nil without one.
    static func scheme(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        return value.split(separator: " ", maxSplits: 1).first?.lowercased()
    }

    static func headerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], let space = value.firstIndex(of: " ") else { return nil }
        let scheme = value[..<space].lowercased()
        var credential = value[value.index(after: space)...]
        while let c = credential.first, c == " " || c == "\t" { credential = credential.dropFirst() }
        while let c = credential.last, c == " " || c == "\t" { credential = credential.dropLast() }
        switch scheme {
        case "bearer":
            return String(credential)
        case "basic":
            // The user name is the key; the password is empty (or ignored).
            guard let decoded = Base64.decode(credential.utf8) else { return nil }
            let user =
                decoded.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            return String(validating: user, as: UTF8.self)
        default:
            return nil
        }
    }
}

/// Standard base64 (RFC 4648, padding optional), for Basic credentials.
enum Base64 {
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in text {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }  // data after padding
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be padding zeros; a lone 6-bit group is not a byte.
        guard bits < 6, padding <= 2 else { return nil }
        return out
    }
}
