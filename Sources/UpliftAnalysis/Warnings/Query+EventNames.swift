/// The event names each question reads, for `AnalysisEngine.warnings(events:snapshot:budget:)`.
extension FunnelQuery {
    package var eventNames: [String] { steps.map(\.event) + exclusions.map(\.event) }
}

extension TrendQuery {
    package var eventNames: [String] { event.map { [$0] } ?? [] }
}

extension AdoptionQuery {
    package var eventNames: [String] { [feature] + (active.map { [$0] } ?? []) }
}

extension RetentionQuery {
    package var eventNames: [String] { [cohortEvent] + (returnEvent.map { [$0] } ?? []) }
}

extension LifecycleQuery {
    package var eventNames: [String] { event.map { [$0] } ?? [] }
}
