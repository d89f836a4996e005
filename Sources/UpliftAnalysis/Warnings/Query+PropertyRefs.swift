/// The properties each question reads (its filters, the global ones first, then the number it sums
/// and its breakdown), for `AnalysisEngine.warnings(events:properties:snapshot:budget:)`.
extension FunnelQuery {
    package var propertyRefs: [PropertyRef] {
        scope.propertyRefs + steps.flatMap(\.filters.propertyRefs) + exclusions.flatMap(\.filters.propertyRefs)
            + (breakdown.map { [$0] } ?? [])
    }
}

extension TrendQuery {
    package var propertyRefs: [PropertyRef] {
        scope.propertyRefs + eventFilters.propertyRefs + [property, breakdown].compactMap { $0 }
    }
}

extension AdoptionQuery {
    package var propertyRefs: [PropertyRef] {
        scope.propertyRefs + featureFilters.propertyRefs + activeFilters.propertyRefs
    }
}

extension RetentionQuery {
    package var propertyRefs: [PropertyRef] {
        scope.propertyRefs + cohortFilters.propertyRefs + returnFilters.propertyRefs
    }
}

extension LifecycleQuery {
    package var propertyRefs: [PropertyRef] { scope.propertyRefs + eventFilters.propertyRefs }
}

extension QueryScope {
    package var propertyRefs: [PropertyRef] { filters.propertyRefs }
}

extension [PropertyFilter] {
    package var propertyRefs: [PropertyRef] { map(\.property) }
}
