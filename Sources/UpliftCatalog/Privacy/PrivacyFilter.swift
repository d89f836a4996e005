import Crypto
import Foundation
package import UpliftModel

/// What a `PrivacyFilter` removed from the events it was given, for `/metrics` and the import summary.
package struct PrivacyCounts: Sendable, Equatable {
    package var ipAddressesDropped = 0
    package var ipAddressesTruncated = 0
    package var propertiesDropped = 0
    package var propertiesHashed = 0
    package var emailsRedacted = 0
    package var cardNumbersRedacted = 0

    package init() {}

    package mutating func add(_ other: PrivacyCounts) {
        ipAddressesDropped += other.ipAddressesDropped
        ipAddressesTruncated += other.ipAddressesTruncated
        propertiesDropped += other.propertiesDropped
        propertiesHashed += other.propertiesHashed
        emailsRedacted += other.emailsRedacted
        cardNumbersRedacted += other.cardNumbersRedacted
    }

    /// `(kind, count)` for each kind, in a fixed order (the `kind` label of the metric).
    package var byKind: [(String, Int)] {
        [
            ("ip_dropped", ipAddressesDropped), ("ip_truncated", ipAddressesTruncated),
            ("property_dropped", propertiesDropped), ("property_hashed", propertiesHashed),
            ("email", emailsRedacted), ("card_number", cardNumbersRedacted),
        ]
    }
}

/// Applies a project's `PrivacySettings` to events before they are stored. It rewrites only `properties`
/// and `context` (the ids, names and times stay as sent: they are what persons and questions are made of).
package struct PrivacyFilter: Sendable {
    package let settings: PrivacySettings
    private let hashKey: [UInt8]
    private let dropped: Set<String>
    private let hashed: Set<String>

    /// `hashKey`: the secret of the keyed hashes (`Catalog.privacyHashKey`).
    package init(settings: PrivacySettings, hashKey: [UInt8]) {
        self.settings = settings
        self.hashKey = hashKey
        self.dropped = Set(settings.dropProperties)
        self.hashed = Set(settings.hashProperties)
    }

    /// The events with the settings applied, and what was removed.
    package func apply(_ events: [Event]) -> (events: [Event], counts: PrivacyCounts) {
        var counts = PrivacyCounts()
        let filtered = events.map { event in
            var event = event
            event.properties = rewrite(event.properties, ipMember: "$ip", counts: &counts)
            event.context = rewrite(event.context, ipMember: "ip", counts: &counts)
            return event
        }
        return (filtered, counts)
    }

    /// A stored JSON object with the rules applied; text that is not an object is left as it is (the
    /// decoders only store objects).
    private func rewrite(_ text: String, ipMember: String, counts: inout PrivacyCounts) -> String {
        guard text.utf8.count > 2, let value = try? JSONValue(parsing: Array(text.utf8), maxDepth: 64),
            case .object(let members) = value
        else { return text }
        var changed = false
        var kept: [(String, JSONValue)] = []
        kept.reserveCapacity(members.count)
        for (name, member) in members {
            if dropped.contains(name) {
                counts.propertiesDropped += 1
                changed = true
                continue
            }
            if hashed.contains(name) {
                kept.append((name, .string(keyedHash(member))))
                counts.propertiesHashed += 1
                changed = true
                continue
            }
            if name == ipMember, settings.ipAddresses != .keep, case .string(let address) = member {
                changed = true
                if settings.ipAddresses == .truncate, let truncated = IPAddress.truncated(address) {
                    kept.append((name, .string(truncated)))
                    counts.ipAddressesTruncated += 1
                } else {
                    // Dropped, or not an address that can be truncated (never stored as sent).
                    counts.ipAddressesDropped += 1
                }
                continue
            }
            let redacted = redacting(member, counts: &counts)
            changed = changed || redacted != member
            kept.append((name, redacted))
        }
        return changed ? JSONValue.object(kept).compactText : text
    }

    /// `value` with e-mail addresses and card numbers in its strings (at any depth) replaced.
    private func redacting(_ value: JSONValue, counts: inout PrivacyCounts) -> JSONValue {
        guard settings.redactEmails || settings.redactCardNumbers else { return value }
        switch value {
        case .string(let text):
            var result = text
            if settings.redactEmails {
                let (redacted, found) = SensitiveText.redactEmails(result)
                result = redacted
                counts.emailsRedacted += found
            }
            if settings.redactCardNumbers {
                let (redacted, found) = SensitiveText.redactCardNumbers(result)
                result = redacted
                counts.cardNumbersRedacted += found
            }
            return .string(result)
        case .array(let items): return .array(items.map { redacting($0, counts: &counts) })
        case .object(let members): return .object(members.map { ($0.0, redacting($0.1, counts: &counts)) })
        default: return value
        }
    }

    /// `hmac:` and the first 32 hex digits of HMAC-SHA256 over the value's JSON text.
    private func keyedHash(_ value: JSONValue) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(value.compactText.utf8), using: SymmetricKey(data: hashKey))
        return "hmac:" + mac.prefix(16).map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Client IP addresses, truncated to their network.
enum IPAddress {
    /// IPv4 to its /24 (`203.0.113.77` → `203.0.113.0`), IPv6 to its /48 (`2001:db8:85a3::`); nil when
    /// `text` is neither.
    static func truncated(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let octets = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) {
            return octets.prefix(3).joined(separator: ".") + ".0"
        }
        guard let groups = ipv6Groups(trimmed) else { return nil }
        return groups.prefix(3).map { String($0, radix: 16) }.joined(separator: ":") + "::"
    }

    /// The eight 16-bit groups of an IPv6 address (`::` expanded; a zone or embedded IPv4 is refused).
    private static func ipv6Groups(_ text: String) -> [UInt16]? {
        guard text.contains(":"), text.utf8.count <= 39 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            var values: [UInt16] = []
            for field in fields {
                guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

/// Finding personal data inside free text.
package enum SensitiveText {
    /// `text` with every e-mail address (`local@domain.tld`) replaced by `[email]`, and how many there were.
    package static func redactEmails(_ text: String) -> (String, Int) {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "@")) else { return (text, 0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var found = 0
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "@") else {
                i += 1
                continue
            }
            var start = i
            while start > copied, isLocalPart(bytes[start - 1]) { start -= 1 }
            var end = i + 1
            var lastDot = -1
            while end < bytes.count, isDomain(bytes[end]) {
                if bytes[end] == UInt8(ascii: ".") { lastDot = end }
                end += 1
            }
            // A domain does not end with a dot or dash ("write to a@b.com." ends the sentence).
            while end > i + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") {
                end -= 1
            }
            if lastDot >= end { lastDot = bytes[(i + 1)..<end].lastIndex(of: UInt8(ascii: ".")) ?? -1 }
            let tld = lastDot > i + 1 ? bytes[(lastDot + 1)..<end] : []
            if start < i, tld.count >= 2, tld.allSatisfy(isLetter) {
                out.append(contentsOf: bytes[copied..<start])
                out.append(contentsOf: Array("[email]".utf8))
                found += 1
                copied = end
                i = end
            } else {
                i += 1
            }
        }
        guard found > 0 else { return (text, 0) }
        out.append(contentsOf: bytes[copied...])
        return (String(decoding: out, as: UTF8.self), found)
    }

    /// `text` with every card-like number replaced by `[card]`, and how many there were: 13 to 19 digits,
    /// single spaces or dashes allowed between them, not part of a longer run of digits or letters, passing
    /// the Luhn check.
    package static func redactCardNumbers(_ text: String) -> (String, Int) {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var found = 0
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard isDigit(bytes[i]), i == 0 || !isAlphanumeric(bytes[i - 1]) else {
                i += 1
                continue
            }
            var digits: [UInt8] = []
            var end = i
            var j = i
            while j < bytes.count {
                if isDigit(bytes[j]) {
                    digits.append(bytes[j] - 48)
                    j += 1
                    end = j
                } else if bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "-"), j + 1 < bytes.count,
                    isDigit(bytes[j + 1])
                {
                    j += 1
                } else {
                    break
                }
            }
            let standsAlone = end == bytes.count || !isAlphanumeric(bytes[end])
            if standsAlone, (13...19).contains(digits.count), luhn(digits) {
                out.append(contentsOf: bytes[copied..<i])
                out.append(contentsOf: Array("[card]".utf8))
                found += 1
                copied = end
            }
            i = end
        }
        guard found > 0 else { return (text, 0) }
        out.append(contentsOf: bytes[copied...])
        return (String(decoding: out, as: UTF8.self), found)
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            var d = Int(digit)
            if position % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) || b >= 0x80 }
    private static func isLocalPart(_ b: UInt8) -> Bool {
        isDigit(b) || isLetter(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }
    private static func isDomain(_ b: UInt8) -> Bool {
        isDigit(b) || isLetter(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }
}

extension Catalog {
    /// The key of a project's keyed property hashes: derived from the catalog secret (which never leaves the
    /// deployment) and the project, so equal values hash alike within a project and differently across them.
    package func privacyHashKey(project: ProjectSlug) -> [UInt8] {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("uplift privacy hash key\u{0}\(project.value)".utf8), using: SymmetricKey(data: secret.bytes))
        return Array(mac)
    }

    /// The filter of a project's privacy settings, nil when it keeps events as sent (or does not exist).
    package func privacyFilter(project: ProjectSlug) async throws(UpliftError) -> PrivacyFilter? {
        guard let settings = try await self.project(project)?.settings.privacy, !settings.keepsEverything else {
            return nil
        }
        return PrivacyFilter(settings: settings, hashKey: privacyHashKey(project: project))
    }
}
