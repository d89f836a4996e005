package import Foundation
package import UpliftModel

/// A project: the unit that owns events, keys and persons.
package struct Project: Sendable, Equatable {
    package var slug: ProjectSlug
    package var name: String
    package var createdAt: Date
    package var settings: ProjectSettings

    package init(slug: ProjectSlug, name: String, createdAt: Date, settings: ProjectSettings = ProjectSettings()) {
        self.slug = slug
        self.name = name
        self.createdAt = createdAt
        self.settings = settings
    }
}

/// Per-project settings.
package struct ProjectSettings: Sendable, Equatable {
    /// Days of events kept (`Retention`: the current UTC day and this many before it); 0 keeps everything.
    package var retentionDays: Int
    /// IANA time zone of the project's calendar days in reports.
    package var timeZone: String
    /// What personal data ingestion removes before storing an event.
    package var privacy: PrivacySettings

    package init(retentionDays: Int = 0, timeZone: String = "UTC", privacy: PrivacySettings = PrivacySettings()) {
        self.retentionDays = retentionDays
        self.timeZone = timeZone
        self.privacy = privacy
    }

    package func validate() throws(UpliftError) {
        guard (0...36_500).contains(retentionDays) else {
            throw UpliftError(
                .invalidInput, "retention days must be 0 (keep everything) to 36500, not \(retentionDays)")
        }
        try privacy.validate()
        guard TimeZone(identifier: timeZone) != nil else {
            throw UpliftError(
                .invalidInput, "time zone '\(timeZone.prefix(64))' is not an IANA time zone (e.g. Europe/Paris, UTC)")
        }
    }
}
