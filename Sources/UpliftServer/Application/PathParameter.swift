import Hummingbird
import UpliftModel

/// Path parameters as the client meant them: the router matches the raw path, so `/v1/reports/feature%2Dx`
/// gives `feature%2Dx`; every route with a parameter reads it through here, decoded.
enum PathParameter {
    /// The parameter `name`, percent-decoded; "" when the route has none. A broken encoding (`%zz`, a cut
    /// `%4`, bytes that are not UTF-8) is 400 `invalid_path`.
    static func get(_ name: String, in context: some RequestContext) throws(UpliftError) -> String {
        guard let raw = context.parameters.get(name) else { return "" }
        guard let decoded = decode(raw.utf8) else {
            throw UpliftError(
                .invalidPath,
                "the path is not validly percent-encoded (each % must be followed by two hex digits, and the"
                    + " decoded bytes must be UTF-8)")
        }
        return decoded
    }

    /// RFC 3986 percent-decoding (`+` stays `+`: it means a space only in form bodies); nil when broken.
    static func decode(_ raw: some Collection<UInt8>) -> String? {
        guard raw.contains(UInt8(ascii: "%")) else { return String(validating: raw, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index != raw.endIndex {
            let byte = raw[index]
            index = raw.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard index != raw.endIndex, let high = hexValue(raw[index]) else { return nil }
            index = raw.index(after: index)
            guard index != raw.endIndex, let low = hexValue(raw[index]) else { return nil }
            index = raw.index(after: index)
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
