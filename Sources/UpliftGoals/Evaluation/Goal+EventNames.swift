package import UpliftAnalysis

/// The events a goal's metric reads, for its `unknown_event` warnings.
extension Goal {
    package var eventNames: [String] {
        switch metric {
        case .adoptionRate: [feature, active].compactMap { $0 }
        case .uniquePersons, .events, .propertySum, .propertyAverage: [event].compactMap { $0 }
        case .funnelConversion: steps.map(\.event)
        case .retention: [event, active].compactMap { $0 }
        // The feature and survey of feedback are properties of the answers, not events.
        case .nps, .csat: []
        }
    }
}

/// The properties a goal's metric reads, for its `unknown_property` warnings.
extension Goal {
    package var propertyRefs: [PropertyRef] {
        let summed = metric == .propertySum || metric == .propertyAverage ? property.map(PropertyRef.init) : nil
        return filters.propertyRefs + steps.flatMap(\.filters.propertyRefs) + (summed.map { [$0] } ?? [])
    }
}
