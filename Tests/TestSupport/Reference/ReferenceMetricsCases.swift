package import UpliftAnalysis
package import UpliftModel

/// Random small cases for the metric engines: few persons and event names, timestamps drawn from a
/// small pool (ties, local midnights of several zones, late evenings), ids merged through links.
package struct MetricCases {
    package var random: SeededRandom
    /// 2026-03-01 00:00 UTC: the cases span the US (03-08) and EU (03-29) daylight-saving changes.
    package static let base: Int64 = 1_772_323_200_000_000
    package static let day: Int64 = 86_400_000_000
    package static let zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"]
    /// Built once: a zone with daylight saving tabulates its midnights, too slow to redo per case.
    static let calendars: [LocalCalendar] = zones.map { (try? LocalCalendar(timeZone: $0)) ?? .utc }

    package init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func pick<T>(_ list: [T]) -> T { list[random.below(list.count)] }
    mutating func chance(_ percent: Int) -> Bool { random.below(100) < percent }

    /// Events of a case and the person links (distinct id → person id).
    package mutating func events(count: Int? = nil, days: Int = 40) -> ([Event], [String: String]) {
        var pool: [Int64] = []
        for _ in 0..<(4 + random.below(12)) {
            let hour = Int64(pick([0, 0, 1, 4, 5, 11, 12, 18, 21, 22, 22, 23, 23]))
            pool.append(
                Self.base + Int64(random.below(days)) * Self.day + hour * 3_600_000_000
                    + Int64(pick([0, 0, 1_800_000_000, 3_599_000_000])))
        }
        let ids = ["u0", "u1", "u2", "u3", "u4", "u5", "anon0", "anon1", "anon2", "anon3"]
        var links: [String: String] = [:]
        for a in ids.dropFirst(6) where chance(50) { links[a] = pick(Array(ids.prefix(5))) }
        if chance(30) { links["u5"] = "u0" }
        let names = ["view", "view", "click", "buy", "$identify", "$feedback", "$feedback", "survey sent"]
        var events: [Event] = []
        for i in 0..<(count ?? random.below(40)) {
            let name = pick(names)
            var props: [String] = []
            if chance(70) { props.append(#""plan":"\#(pick(["free", "pro", "team", "free"]))""#) }
            if chance(60) { props.append(#""amount":\#(pick(["1", "2.5", "\"4\"", "\"x\"", "-3", "0.25"]))"#) }
            if name == "$feedback" {
                let scale = pick(["10", "10", "5", "7"])
                if chance(90) { props.append(#""scale":\#(scale)"#) }
                if chance(90) {
                    props.append(
                        #""score":\#(pick(["0", "3", "6", "7", "8", "9", "10", "4", "5", "1", "2", "2.5", "11"]))"#)
                }
                if chance(50) { props.append(#""comment":"\#(pick(["nice", "bad", "", "ok"]))""#) }
                if chance(70) { props.append(#""feature":"\#(pick(["export", "search"]))""#) }
                if chance(40) { props.append(#""survey":"\#(pick(["s1", "s2"]))""#) }
            }
            if name == "survey sent" {
                if chance(85) { props.append(#""$survey_id":"\#(pick(["s1", "s2"]))""#) }
                if chance(90) {
                    props.append(
                        #""$survey_response":\#(pick(["9", "\"7\"", "0", "10", "\"great\"", "11", "\"\"", "4"]))"#)
                }
            }
            let t = pick(pool)
            events.append(
                Event(
                    eventID: "e\(i)", type: name == "$identify" ? .identify : .track, event: name,
                    distinctID: pick(ids),
                    timestamp: t, receivedAt: t, properties: "{" + props.joined(separator: ",") + "}"))
        }
        return (events, links)
    }

    /// A range inside the cases' span: local midnights mostly, sometimes mid-day ends.
    package mutating func scope(maxDays: Int = 30) throws -> QueryScope {
        let calendar = pick(Self.calendars)
        let firstDay = UTCDay(microseconds: Self.base).adding(days: Int64(random.below(25)))
        var from = calendar.start(of: firstDay)
        var to = calendar.start(of: firstDay.adding(days: Int64(1 + random.below(maxDays))))
        if chance(20) { from += Int64(random.below(24)) * 3_600_000_000 }
        if chance(20) { to -= Int64(random.below(20)) * 3_600_000_000 }
        if to <= from { to = from + 3_600_000_000 }
        var filters: [PropertyFilter] = []
        if chance(20) { filters.append(pick(Self.filters)) }
        return QueryScope(from: from, to: to, calendar: calendar, filters: filters)
    }

    package static let filters: [PropertyFilter] = [
        PropertyFilter(property: PropertyRef("plan"), op: .eq, values: ["free"]),
        PropertyFilter(property: PropertyRef("plan"), op: .neq, values: ["pro"]),
        PropertyFilter(property: PropertyRef("amount"), op: .gt, values: ["1"]),
        PropertyFilter(property: PropertyRef("plan"), op: .isSet),
    ]

    package mutating func filters() -> [PropertyFilter] { chance(25) ? [pick(Self.filters)] : [] }
    package mutating func eventName(any: Bool = true) -> String? {
        any && chance(30) ? nil : pick(["view", "click", "buy", "$identify"])
    }

    package mutating func trend() throws -> TrendQuery {
        let measure = pick(TrendQuery.Measure.allCases)
        return TrendQuery(
            scope: try scope(maxDays: 20), event: eventName(), eventFilters: filters(), measure: measure,
            property: PropertyRef("amount"), interval: pick([.hour, .day, .day, .week, .month]),
            breakdown: chance(50) ? PropertyRef(pick(["plan", "amount"])) : nil)
    }

    package mutating func adoption() throws -> AdoptionQuery {
        let window: AdoptionQuery.Window =
            chance(70) ? .rolling(days: pick([1, 2, 3, 7, 28])) : .calendar(pick([.week, .month]))
        var interval: Interval = pick([.day, .day, .week, .month])
        if case .calendar(let p) = window { interval = p }
        return AdoptionQuery(
            scope: try scope(), feature: pick(["click", "buy"]), featureFilters: filters(),
            active: chance(50) ? nil : pick(["view", "click"]), activeFilters: filters(), window: window,
            interval: interval)
    }

    package mutating func retention() throws -> RetentionQuery {
        RetentionQuery(
            scope: try scope(), cohortEvent: pick(["view", "click", "buy"]), cohortFilters: filters(),
            returnEvent: eventName(), returnFilters: filters(), interval: pick([.day, .week, .month]),
            periods: 1 + random.below(8))
    }

    package mutating func lifecycle() throws -> LifecycleQuery {
        LifecycleQuery(
            scope: try scope(), event: eventName(), eventFilters: filters(), interval: pick([.day, .week, .month]),
            dormantAfter: 1 + random.below(4))
    }

    package mutating func feedback() throws -> FeedbackQuery {
        FeedbackQuery(
            scope: try scope(), feature: chance(20) ? pick(["export", "search"]) : nil,
            survey: chance(20) ? pick(["s1", "s2"]) : nil, interval: pick([.day, .week, .month]),
            comments: random.below(4))
    }
}
