public import Foundation
public import UpliftModel

/// A project: the unit that owns events, keys and persons.
public struct Project: Sendable, Equatable {
    public var slug: ProjectSlug
    public var name: String
    public var createdAt: Date
    public var settings: ProjectSettings

    public init(slug: ProjectSlug, name: String, createdAt: Date, settings: ProjectSettings = ProjectSettings()) {
        self.slug = slug
        self.name = name
        self.createdAt = createdAt
        self.settings = settings
    }
}

/// Per-project settings.
public struct ProjectSettings: Sendable, Equatable {
    /// Events older than this may be dropped by retention; 0 keeps everything.
    public var retentionDays: Int
    /// IANA time zone of the project's calendar days in reports.
    public var timeZone: String

    public init(retentionDays: Int = 0, timeZone: String = "UTC") {
        self.retentionDays = retentionDays
        self.timeZone = timeZone
    }

    public func validate() throws(UpliftError) {
        guard (0...36_500).contains(retentionDays) else {
            throw UpliftError(.invalidInput, "retention days must be 0 (keep everything) to 36500, not \(retentionDays)")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw UpliftError(.invalidInput, "time zone '\(timeZone.prefix(64))' is not an IANA time zone (e.g. Europe/Paris, UTC)")
        }
    }
}
