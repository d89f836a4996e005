/// The words generated events are made of, pre-rendered as bytes so the hot loop only copies.
package struct Vocabulary: Sendable {
    /// A track event with its own properties: one of `variants` (a rendered `"key":"value"`
    /// fragment, possibly empty) and optionally a number `numberKey` in 0..<numberBound.
    package struct TrackSpec: Sendable {
        package let name: [UInt8]
        package let variants: [[UInt8]]
        package let numberKey: [UInt8]
        package let numberBound: Int
    }

    /// ISO 3166 codes, most frequent first (sampled Zipf-like).
    package static let countryCodes = [
        "US", "GB", "DE", "FR", "IN", "BR", "CA", "NL", "ES", "IT",
        "JP", "AU", "SE", "PL", "MX", "CH", "BE", "SG", "IE", "KR",
    ]
    package static let locales = [
        "en-US", "en-GB", "de-DE", "fr-FR", "en-IN", "pt-BR", "en-CA", "nl-NL", "es-ES", "it-IT",
        "ja-JP", "en-AU", "sv-SE", "pl-PL", "es-MX", "de-CH", "fr-BE", "en-SG", "en-IE", "ko-KR",
    ]
    /// Page paths, most frequent first, with their titles.
    package static let pages: [(path: String, title: String)] = [
        ("/dashboard", "Dashboard"), ("/", "Home"), ("/projects", "Projects"), ("/search", "Search"),
        ("/reports", "Reports"), ("/settings", "Settings"), ("/pricing", "Pricing"), ("/docs", "Docs"),
        ("/integrations", "Integrations"), ("/team", "Team"), ("/billing", "Billing"), ("/blog", "Blog"),
        ("/help", "Help"), ("/changelog", "Changelog"), ("/features", "Features"), ("/login", "Log in"),
    ]
    /// Landing pages of a first visit.
    package static let landingPages = [1, 14, 6, 11, 7]
    package static let platforms = ["web", "ios", "android"]

    /// Track events of ordinary sessions, most frequent first.
    package static let trackSpecs: [TrackSpec] = [
        spec("button_clicked", "button", ["save", "cancel", "share", "export", "new", "next", "close", "upgrade"]),
        spec("search", "", [], number: "results", 200),
        spec("item_viewed", "item_type", ["task", "doc", "chart", "project"]),
        spec("list_filtered", "filter", ["status", "owner", "date", "label"]),
        spec("dashboard_viewed", "dashboard", ["overview", "growth", "revenue", "ops"]),
        spec("task_created", "source", ["board", "list", "shortcut"]),
        spec("task_completed", "", [], number: "age_hours", 500),
        spec("comment_added", "", [], number: "length", 800),
        spec(Truth.featureXEvent, "feature", ["x"], number: "duration_ms", 30_000),
        spec("file_uploaded", "", [], number: "size_kb", 20_000),
        spec("notification_opened", "channel", ["in_app", "email", "push"]),
        spec("settings_changed", "setting", ["theme", "language", "timezone", "notifications"]),
        spec("report_exported", "format", ["csv", "pdf", "xlsx"]),
        spec("chart_created", "chart_type", ["line", "bar", "funnel", "table"]),
        spec("tab_switched", "tab", ["activity", "details", "files"]),
        spec("project_created", "template", ["blank", "kanban", "roadmap"]),
        spec("invite_sent", "role", ["member", "admin", "viewer"]),
        spec("help_opened", "topic", ["billing", "getting-started", "api", "sso"]),
        spec("filter_saved", "", []),
        spec("share_link_created", "access", ["view", "edit"]),
        spec("video_played", "", [], number: "seconds", 600),
        spec("integration_connected", "integration", ["slack", "github", "jira", "zapier"]),
        spec("tour_step_completed", "", [], number: "step", 8),
        spec("feedback_submitted", "", [], number: "score", 11),
        spec("api_key_created", "", []),
        spec("error_shown", "code", ["E401", "E404", "E409", "E500"]),
        spec("login", "method", ["password", "google", "sso"]),
        spec("logout", "", []),
    ]

    private static func spec(
        _ name: String, _ key: String, _ values: [String], number: String = "", _ bound: Int = 0
    ) -> TrackSpec {
        let variants = values.isEmpty ? [[]] : values.map { Array("\"\(key)\":\"\($0)\"".utf8) }
        return TrackSpec(
            name: Array(name.utf8), variants: variants,
            numberKey: number.isEmpty ? [] : Array("\"\(number)\":".utf8), numberBound: bound
        )
    }

    /// Index of `feature_x_used` in `trackSpecs` (only adopters send it).
    package static let featureXIndex = trackSpecs.firstIndex { $0.name == Array(Truth.featureXEvent.utf8) } ?? 0
}
