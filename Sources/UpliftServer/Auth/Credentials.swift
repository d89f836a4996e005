import Foundation
import HTTPTypes
import Hummingbird

/// Where an ingestion request carries its write key: `Authorization: Basic base64(key:)` (Segment's
/// SDKs), `Authorization: Bearer key`, or a body member (`writeKey`, `api_key`, `token`, `$token`).
/// The header wins when both are present.
enum Credentials {
    static func headerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased(), credential = parts[1].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer":
            return credential
        case "basic":
            // The user name is the key; the password is empty (or ignored).
            guard let data = Data(base64Encoded: credential), let decoded = String(data: data, encoding: .utf8) else { return nil }
            return decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        default:
            return nil
        }
    }
}
