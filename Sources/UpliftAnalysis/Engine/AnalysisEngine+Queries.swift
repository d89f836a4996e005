package import UpliftModel
package import UpliftStorage

/// One entry point per query kind. `links` maps linked distinct ids to their person's id (the
/// catalog's person links, applied at query time); ids not in it are their own person.
/// These run on the calling thread plus one worker per core: call them off the event loop. A
/// `budget` stops them early (`query_timeout`, `query_cancelled`) when its query should end.
/// Every answer marks its partial periods (`QueryScope.isPartial`; funnels as they count them).
extension AnalysisEngine {
    package func funnel(
        _ query: FunnelQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> FunnelResult {
        FunnelEngine.compute(
            try frame(snapshot, links: links, request: FunnelEngine.request(query), budget: budget), query)
    }

    package func trend(
        _ query: TrendQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> TrendResult {
        var result = try unmarkedTrend(query, snapshot: snapshot, links: links, budget: budget)
        result.markPartial(query.scope, query.interval)
        return result
    }

    private func unmarkedTrend(
        _ query: TrendQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget?
    ) throws(UpliftError) -> TrendResult {
        var request = TrendEngine.request(query)
        request.budget = budget
        if TrendEngine.countsEventsByScan(query) {
            return TrendEngine.events(
                try scan(snapshot, links: links, request: request) { _ in TrendEngine.EventCounts(query) }, query)
        }
        // Whether bitsets per period fit depends on how many persons there are: known once decoded.
        let input = try prepare(snapshot, links: links, request: request)
        if TrendEngine.countsPersonsByScan(query, personCodes: input.personCodes) {
            return TrendEngine.distinctPersons(
                try input.scan(request) { codes in TrendEngine.PersonBits(query, personCodes: codes) }, query)
        }
        return TrendEngine.compute(try input.frame(request), query)
    }

    package func adoption(
        _ query: AdoptionQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> AdoptionResult {
        var request = AdoptionEngine.request(query)
        request.budget = budget
        var result: AdoptionResult
        switch query.window {
        case .calendar(let interval):
            let frame = try frame(snapshot, links: links, request: request)
            result = AdoptionEngine.calendarWindows(frame, query, interval)
        case .rolling(let days):
            // Rolling windows need only each person's active days: folded from the rows, no frame.
            let layout = AdoptionEngine.DayLayout(query, days: days)
            let calendar = query.scope.calendar
            let bits = try scan(snapshot, links: links, request: request) { codes in
                AdoptionEngine.DayBits(layout, calendar, personCodes: codes)
            }
            result = AdoptionEngine.rolling(bits, query, layout)
        }
        result.markPartial(query.scope, query.interval)
        return result
    }

    package func retention(
        _ query: RetentionQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> RetentionResult {
        var result = RetentionEngine.compute(
            try frame(snapshot, links: links, request: RetentionEngine.request(query), budget: budget), query)
        result.markPartial(query.scope, query.interval)
        return result
    }

    package func lifecycle(
        _ query: LifecycleQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> LifecycleResult {
        var result = LifecycleEngine.compute(
            try frame(snapshot, links: links, request: LifecycleEngine.request(query), budget: budget), query)
        result.markPartial(query.scope, query.interval)
        return result
    }

    package func feedback(
        _ query: FeedbackQuery, snapshot: Snapshot, links: PersonMap, budget: QueryBudget? = nil
    ) throws(UpliftError) -> FeedbackResult {
        var result = FeedbackEngine.compute(
            try frame(snapshot, links: links, request: FeedbackEngine.request(query), budget: budget), query)
        result.markPartial(query.scope, query.interval)
        return result
    }
}
