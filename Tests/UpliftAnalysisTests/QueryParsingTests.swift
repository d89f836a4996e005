import TestSupport
import Testing
import UpliftModel

@testable import UpliftAnalysis

/// Query documents: valid ones decode, bad ones fail with a message that names the field.
struct QueryParsingTests {
    func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    func failure(_ text: String, _ decode: (JSONValue) throws(UpliftError) -> Void) throws -> String {
        let value = try json(text)
        do throws(UpliftError) { try decode(value) } catch { return error.message }
        Issue.record("expected \(text) to be refused")
        return ""
    }

    func funnelFailure(_ text: String) throws -> String {
        try failure(text) { (v) throws(UpliftError) in _ = try FunnelQuery(json: v) }
    }

    @Test func funnelDecodes() throws {
        let q = try FunnelQuery(
            json: json(
                #"""
                {"from":"2026-01-01","to":"2026-01-31","steps":["a",{"event":"b","where":["plan=pro"]}],"window":"7d",
                 "order":"strict","exclude":[{"event":"x","from_step":1,"to_step":2}],"breakdown":"context.locale",
                 "where":[{"property":"n","op":"gte","value":3}],"conversion_interval":"week","time_zone":"Europe/Paris"}
                """#))
        #expect(q.steps.map(\.event) == ["a", "b"])
        #expect(q.steps[1].filters == [PropertyFilter(property: PropertyRef("plan"), op: .eq, values: ["pro"])])
        #expect(q.window.microseconds == 7 * 86_400_000_000)
        #expect(q.order == .strict)
        #expect(q.exclusions == [FunnelQuery.Exclusion(event: "x", fromStep: 1, toStep: 2)])
        #expect(q.breakdown == PropertyRef("context.locale") && q.breakdown?.source == .context)
        #expect(q.scope.filters.first?.op == .gte)
        #expect(q.conversionInterval == .week)
        #expect(q.scope.from == Timestamp.parse("2025-12-31T23:00:00Z")!)
    }

    @Test func funnelDefaults() throws {
        let q = try FunnelQuery(json: json(#"{"from":"2026-01-01","to":"2026-01-02","steps":["a","b"]}"#))
        #expect(q.window.microseconds == 14 * 86_400_000_000 && q.order == .ordered && q.exclusions.isEmpty)
    }

    @Test func badFunnelsNameTheField() throws {
        let base = #""from":"2026-01-01","to":"2026-01-31""#
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"window":"7x"}"#).hasPrefix("window:"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"window":"0d"}"#).hasPrefix("window:"))
        #expect(
            try funnelFailure(#"{"from":"2026-02-01","to":"2026-01-01","steps":["a","b"]}"#).hasPrefix(
                "from must be before to"))
        #expect(
            try funnelFailure(#"{"from":"2026-01-02","to":"2026-01-01","steps":["a","b"]}"#).hasPrefix(
                "from must be before to"))
        // A date `to` includes its day, so a one-day range is from and to the same date; equal instants are empty.
        #expect(
            try funnelFailure(#"{"from":"2026-01-01T00:00Z","to":"2026-01-01T00:00Z","steps":["a","b"]}"#).hasPrefix(
                "from must be before to"))
        let oneDay = try FunnelQuery(json: json(#"{"from":"2026-01-31","to":"2026-01-31","steps":["a","b"]}"#))
        #expect(oneDay.scope.to - oneDay.scope.from == 86_400_000_000)
        let many = (0..<21).map { "\"e\($0)\"" }.joined(separator: ",")
        #expect(try funnelFailure(#"{\#(base),"steps":[\#(many)]}"#).hasPrefix("steps must list 2 to 20"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a"]}"#).hasPrefix("steps must list 2 to 20"))
        #expect(
            try funnelFailure(#"{\#(base),"steps":["a","b"],"order":"sideways"}"#).hasPrefix(
                "order must be one of ordered, strict, any"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"windw":"7d"}"#).hasPrefix("windw is not a field"))
        #expect(
            try funnelFailure(#"{\#(base),"steps":["a",{"event":"b","wher":[]}]}"#).hasPrefix(
                "steps[1].wher is not a field"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a",""]}"#).hasPrefix("steps[1]"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"where":["plan"]}"#).hasPrefix("where[0]"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"where":["n>ten"]}"#).hasPrefix("where[0]"))
        #expect(try funnelFailure(#"{"to":"2026-01-31","steps":["a","b"]}"#).hasPrefix("from is required"))
        #expect(try funnelFailure(#"{"from":"2026-13-01","to":"2026-01-31","steps":["a","b"]}"#).hasPrefix("from:"))
        #expect(try funnelFailure(#"{\#(base),"steps":["a","b"],"time_zone":"Nowhere/City"}"#).hasPrefix("time_zone:"))
        #expect(try funnelFailure(#"[1]"#).hasPrefix("the query must be a JSON object"))
    }

    @Test func metricQueriesValidate() throws {
        let base = #""from":"2026-01-01","to":"2026-01-31""#
        #expect(
            try failure(#"{\#(base),"measure":"sum"}"#) { (v) throws(UpliftError) in _ = try TrendQuery(json: v) }
                .hasPrefix("property is required"))
        #expect(
            try failure(#"{"from":"2020-01-01","to":"2026-01-31","interval":"hour"}"#) { (v) throws(UpliftError) in
                _ = try TrendQuery(json: v)
            }.hasPrefix("interval:"))
        #expect(
            try failure(#"{\#(base),"window":"28d"}"#) { (v) throws(UpliftError) in _ = try AdoptionQuery(json: v) }
                .hasPrefix("feature is required"))
        #expect(
            try failure(#"{\#(base),"feature":"x","window":"12h"}"#) { (v) throws(UpliftError) in
                _ = try AdoptionQuery(json: v)
            }.hasPrefix("window:"))
        #expect(
            try failure(#"{\#(base),"cohort_event":"a","periods":0}"#) { (v) throws(UpliftError) in
                _ = try RetentionQuery(json: v)
            }.hasPrefix("periods"))
        #expect(
            try failure(#"{\#(base),"interval":"hour"}"#) { (v) throws(UpliftError) in _ = try LifecycleQuery(json: v) }
                .hasPrefix("interval"))
        #expect(
            try failure(#"{\#(base),"comments":-1}"#) { (v) throws(UpliftError) in _ = try FeedbackQuery(json: v) }
                .hasPrefix("comments"))
        let adoption = try AdoptionQuery(json: json(#"{\#(base),"feature":"x","window":"month"}"#))
        #expect(adoption.window == .calendar(.month) && adoption.interval == .month)
    }

    @Test func commandLineFilters() throws {
        #expect(
            try PropertyFilter(parsing: "plan=pro|team")
                == PropertyFilter(property: PropertyRef("plan"), op: .eq, values: ["pro", "team"]))
        #expect(try PropertyFilter(parsing: "amount>=29.5").op == .gte)
        #expect(try PropertyFilter(parsing: "plan!=free").op == .neq)
        #expect(try PropertyFilter(parsing: "path~/docs").op == .contains)
        #expect(try PropertyFilter(parsing: "coupon?").op == .isSet)
        #expect(try PropertyFilter(parsing: "coupon!?").op == .isNotSet)
        #expect(throws: UpliftError.self) { try PropertyFilter(parsing: "=x") }
    }

    @Test func filterSemantics() {
        let eq = PropertyFilter(property: PropertyRef("n"), op: .eq, values: ["3"])
        #expect(eq.matches(.value(text: "3.0", number: 3)))
        #expect(!eq.matches(.value(text: "three", number: nil)))
        #expect(!eq.matches(.absent))
        #expect(PropertyFilter(property: PropertyRef("n"), op: .neq, values: ["3"]).matches(.absent))
        #expect(
            !PropertyFilter(property: PropertyRef("n"), op: .gt, values: ["3"]).matches(.value(text: "4", number: nil)))
        #expect(
            PropertyFilter(property: PropertyRef("n"), op: .lt, values: ["3"]).matches(.value(text: "-1", number: -1)))
        #expect(
            PropertyFilter(property: PropertyRef("ok"), op: .eq, values: ["true"]).matches(
                .value(text: "true", number: nil)))
    }

    @Test func propertyReader() {
        let text = #"{"plan":"pro","n":3,"s":"29.00","nested":{"a":1},"nul":null,"esc\u0061pe":"y"}"#
        #expect(PropertyReader(PropertyRef("plan")).value(in: text) == .value(text: "pro", number: nil))
        #expect(PropertyReader(PropertyRef("n")).value(in: text) == .value(text: "3", number: 3))
        #expect(PropertyReader(PropertyRef("s")).value(in: text) == .value(text: "29.00", number: 29))
        #expect(PropertyReader(PropertyRef("nested")).value(in: text) == .value(text: #"{"a":1}"#, number: nil))
        #expect(PropertyReader(PropertyRef("nul")).value(in: text) == .absent)
        #expect(PropertyReader(PropertyRef("escape")).value(in: text) == .value(text: "y", number: nil))
        #expect(PropertyReader(PropertyRef("missing")).value(in: text) == .absent)
        #expect(PropertyReader(PropertyRef("plan")).value(in: "not json") == .absent)
    }
}
