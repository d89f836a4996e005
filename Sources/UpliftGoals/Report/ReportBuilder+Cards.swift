package import UpliftReport

extension ReportBuilder {
    /// The summary cards of `statuses`, as a report's strip shows them (the server's home page
    /// shows the same cards for every PR/FAQ).
    package static func cards(_ statuses: [GoalStatus]) -> [GoalSummary] {
        let builder = ReportBuilder()
        return statuses.map(builder.summary)
    }
}
