/// Marks the periods of an answer that are only partly inside its range or not over yet
/// (`QueryScope.isPartial`), by their labels: one rule for every question.
extension TrendResult {
    package mutating func markPartial(_ scope: QueryScope, _ interval: Interval) {
        for i in points.indices { points[i].partial = scope.isPartial(label: points[i].date, interval) }
        for s in breakdown.indices {
            for i in breakdown[s].points.indices {
                breakdown[s].points[i].partial = scope.isPartial(label: breakdown[s].points[i].date, interval)
            }
        }
    }
}

extension AdoptionResult {
    package mutating func markPartial(_ scope: QueryScope, _ interval: Interval) {
        for i in series.indices { series[i].partial = scope.isPartial(label: series[i].date, interval) }
    }
}

extension RetentionResult {
    package mutating func markPartial(_ scope: QueryScope, _ interval: Interval) {
        for i in cohorts.indices { cohorts[i].partial = scope.isPartial(label: cohorts[i].date, interval) }
    }
}

extension LifecycleResult {
    package mutating func markPartial(_ scope: QueryScope, _ interval: Interval) {
        for i in periods.indices { periods[i].partial = scope.isPartial(label: periods[i].date, interval) }
    }
}

extension FeedbackResult {
    package mutating func markPartial(_ scope: QueryScope, _ interval: Interval) {
        let labels = Set(groups.flatMap { $0.series.map(\.date) })
        partialPeriods = labels.filter { scope.isPartial(label: $0, interval) }
    }
}
