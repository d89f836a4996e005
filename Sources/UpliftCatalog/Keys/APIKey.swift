import Crypto
package import Foundation
package import UpliftModel

/// What a key may do. A write key only ingests (it ships inside apps, so it is public); a read
/// key is secret and queries, reports and administers.
package enum KeyKind: String, Sendable, CaseIterable, Codable {
    case write, read

    /// Recognisable in logs and by secret scanners.
    package var tokenPrefix: String { self == .write ? "upw_" : "upr_" }
}

/// A key just created: the only moment its token exists outside the client.
package struct NewAPIKey: Sendable {
    package let project: ProjectSlug
    package let kind: KeyKind
    package let token: String
    package let prefix: String
    package let createdAt: Date
}

/// A stored key as listings show it: never the token, never the hash.
package struct APIKeyInfo: Sendable, Equatable {
    package let prefix: String
    package let project: ProjectSlug
    package let kind: KeyKind
    package let createdAt: Date
    package let revokedAt: Date?
    package var isRevoked: Bool { revokedAt != nil }
}

/// The token format and its keyed hash.
package enum APIKeyToken {
    /// Characters of the token kept in clear to find, list and revoke a key: `upw_` + 8 random
    /// characters (62^8 ≈ 2·10^14, so collisions are retried, not feared).
    package static let prefixLength = 12
    /// 32 random bytes in base62 take 43 characters.
    package static let randomLength = 43

    package static func generate(kind: KeyKind) -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        return kind.tokenPrefix + base62(bytes, width: randomLength)
    }

    /// The kind a token claims by its prefix, and whether it has the right shape at all.
    package static func kind(of token: String) -> KeyKind? {
        guard token.utf8.count == 4 + randomLength else { return nil }
        guard token.utf8.dropFirst(4).allSatisfy(isBase62) else { return nil }
        return KeyKind.allCases.first { token.hasPrefix($0.tokenPrefix) }
    }

    package static func prefix(of token: String) -> String { String(token.prefix(prefixLength)) }

    /// HMAC-SHA256(pepper, token), hex. Only this is stored.
    package static func hash(_ token: String, secret: CatalogSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(token.utf8), using: SymmetricKey(data: secret.bytes))
        return hex(Array(mac))
    }

    /// Compares two hashes without leaking where they first differ.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    private static func isBase62(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    /// Big-endian base conversion, left-padded with '0' to a fixed width.
    package static func base62(_ bytes: [UInt8], width: Int) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for i in number.indices {
                let value = remainder * 256 + Int(number[i])
                number[i] = UInt8(value / 62)
                remainder = value % 62
            }
            digits.append(alphabet[remainder])
        }
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
