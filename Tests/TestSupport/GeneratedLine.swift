package import Foundation

/// One generated message read back with Foundation and reduced to what tests compare: a naive
/// reference reader (slow, obviously correct) of exactly what `UpliftWorkload` writes.
package struct GeneratedLine: @unchecked Sendable {
    package enum Dialect: Sendable { case segment, posthog }

    package var dialect: Dialect
    /// `messageId` or `uuid`.
    package var id: String
    /// Segment `type`, or for PostHog the type its event name maps to.
    package var type: String
    /// The stored event name: track name, `$pageview`, `$screen`, `$identify`, `$create_alias`.
    package var event: String
    /// The user id when present, else the anonymous id.
    package var distinctID: String
    package var userID: String?
    /// The anonymous id carried by the message (or linked by identify / alias).
    package var anonymousID: String?
    /// Client clock, milliseconds since the epoch.
    package var timestampMs: Int64
    package var sentAtMs: Int64
    /// Segment only.
    package var receivedAtMs: Int64?
    package var properties: [String: Any]
    package var object: [String: Any]

    package init?(_ data: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let timestamp = (object["timestamp"] as? String).flatMap(Self.parseMillis)
        else { return nil }
        self.object = object
        timestampMs = timestamp
        if let type = object["type"] as? String {
            dialect = .segment
            guard let id = object["messageId"] as? String,
                let sent = (object["sentAt"] as? String).flatMap(Self.parseMillis)
            else { return nil }
            self.id = id
            self.type = type
            sentAtMs = sent
            receivedAtMs = (object["receivedAt"] as? String).flatMap(Self.parseMillis)
            userID = object["userId"] as? String
            anonymousID = (object["anonymousId"] ?? object["previousId"]) as? String
            properties = (object["properties"] ?? object["traits"]) as? [String: Any] ?? [:]
            switch type {
            case "track": event = object["event"] as? String ?? ""
            case "page": event = "$pageview"
            case "screen": event = "$screen"
            case "identify": event = "$identify"
            case "alias": event = "$create_alias"
            default: return nil
            }
            guard let distinct = userID ?? anonymousID else { return nil }
            distinctID = distinct
        } else {
            dialect = .posthog
            guard let id = object["uuid"] as? String, let name = object["event"] as? String,
                let distinct = object["distinct_id"] as? String,
                let sent = (object["sent_at"] as? String).flatMap(Self.parseMillis)
            else { return nil }
            self.id = id
            event = name
            distinctID = distinct
            sentAtMs = sent
            receivedAtMs = nil
            properties = object["properties"] as? [String: Any] ?? [:]
            switch name {
            case "$identify":
                type = "identify"
                userID = distinct
                anonymousID = properties["$anon_distinct_id"] as? String
            case "$create_alias":
                type = "alias"
                userID = distinct
                anonymousID = properties["alias"] as? String
            default:
                type = name == "$pageview" ? "page" : (name == "$screen" ? "screen" : "track")
                userID = distinct.hasPrefix("user-") ? distinct : nil
                anonymousID = distinct.hasPrefix("anon-") ? distinct : nil
            }
        }
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    package static func parseMillis(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 24, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58,
            b[19] == 46, b[23] == 90
        else { return nil }
        func n(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13),
            let mi = n(14..<16), let s = n(17..<19), let ms = n(20..<23)
        else { return nil }
        // Days from civil (Hinnant), duplicated here so the reference shares no code with the generator.
        let yy = mo <= 2 ? y - 1 : y
        let era = yy / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
    }
}
