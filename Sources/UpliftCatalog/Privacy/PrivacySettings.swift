package import UpliftModel

/// A project's controls over the personal data its events carry, applied at ingest before the write-ahead
/// log (`PrivacyFilter`), so what they remove is never stored. Kept in the catalog as a JSON object.
package struct PrivacySettings: Sendable, Equatable {
    /// What happens to client IP addresses (Segment's `context.ip`, PostHog's `$ip` property).
    package enum IPAddresses: String, Sendable, CaseIterable {
        /// Stored as sent.
        case keep
        /// The host part zeroed: IPv4 to its /24 (`203.0.113.0`), IPv6 to its /48.
        case truncate
        /// Removed.
        case drop
    }

    package var ipAddresses: IPAddresses
    /// Top-level `properties` (and `context`) members removed, by name.
    package var dropProperties: [String]
    /// Top-level `properties` (and `context`) members whose values are replaced by a keyed hash
    /// (`hmac:` and 32 hex digits: equal values stay equal within the deployment, but cannot be reversed
    /// without the catalog secret).
    package var hashProperties: [String]
    /// E-mail addresses inside any string value become `[email]`.
    package var redactEmails: Bool
    /// Card-like numbers (13 to 19 digits, spaces or dashes between, passing the Luhn check) inside any
    /// string value become `[card]`.
    package var redactCardNumbers: Bool

    package init(
        ipAddresses: IPAddresses = .keep, dropProperties: [String] = [], hashProperties: [String] = [],
        redactEmails: Bool = false, redactCardNumbers: Bool = false
    ) {
        self.ipAddresses = ipAddresses
        self.dropProperties = dropProperties
        self.hashProperties = hashProperties
        self.redactEmails = redactEmails
        self.redactCardNumbers = redactCardNumbers
    }

    /// Whether every event is stored as sent.
    package var keepsEverything: Bool { self == PrivacySettings() }

    package func validate() throws(UpliftError) {
        for name in dropProperties + hashProperties {
            guard !name.isEmpty, name.utf8.count <= 200 else {
                throw UpliftError(.invalidInput, "a property name to drop or hash must be 1 to 200 bytes")
            }
        }
        if let both = Set(dropProperties).intersection(hashProperties).sorted().first {
            throw UpliftError(.invalidInput, "property '\(both)' is both dropped and hashed; pick one")
        }
    }

    /// The catalog's text: `{"ip":"truncate","drop":[…],"hash":[…],"emails":true,"cards":false}`.
    package var json: JSONValue {
        .object([
            ("ip", .string(ipAddresses.rawValue)), ("drop", .array(dropProperties.map(JSONValue.string))),
            ("hash", .array(hashProperties.map(JSONValue.string))), ("emails", .bool(redactEmails)),
            ("cards", .bool(redactCardNumbers)),
        ])
    }

    /// Reads the catalog's text (members it lacks keep their defaults).
    package init(json text: String) throws(UpliftError) {
        let value = try JSONValue(parsing: Array(text.utf8))
        guard case .object = value else { throw UpliftError(.corrupt, "privacy settings are not a JSON object") }
        func names(_ key: String) -> [String] {
            guard case .array(let items)? = value[key] else { return [] }
            return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        }
        func flag(_ key: String) -> Bool { if case .bool(let b)? = value[key] { b } else { false } }
        var ip = IPAddresses.keep
        if case .string(let text)? = value["ip"] {
            guard let parsed = IPAddresses(rawValue: text) else {
                throw UpliftError(.corrupt, "privacy settings name an unknown IP address rule '\(text.prefix(20))'")
            }
            ip = parsed
        }
        self.init(
            ipAddresses: ip, dropProperties: names("drop"), hashProperties: names("hash"),
            redactEmails: flag("emails"), redactCardNumbers: flag("cards"))
    }
}
