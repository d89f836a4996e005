import UpliftAnalysis
import UpliftExperiments
import UpliftModel
import UpliftSQL
import UpliftStorage

/// The query routes, `POST /v1/query/<kind>`, and how each decodes its body and runs.
enum QueryKind: String, Sendable, CaseIterable {
    case funnel, trend, adoption, retention, lifecycle, feedback, experiment

    var path: String { "/v1/query/" + rawValue }

    /// A decoded, validated query, ready to run against a snapshot.
    struct Decoded: Sendable {
        /// The project the body names, if it names one.
        var project: ProjectSlug?
        /// Runs the query and returns the result document (`XResult.json`); the budget stops it early.
        var run: @Sendable (AnalysisEngine, Snapshot, PersonMap, QueryBudget) throws(UpliftError) -> JSONValue
        /// The question as SQL, for an engine that runs it (`--engine`).
        var sql: SQL
        /// The names it reads, for the warnings about unknown ones.
        var events: [String] = []
        var properties: [PropertyRef] = []
    }

    /// A question compiled to SQL, and its answer built from the statement's rows.
    struct SQL: Sendable {
        var name: String
        var compile: @Sendable (SQLDialect, SQLInputs) throws(UpliftError) -> String
        var answer: @Sendable (SQLRows) throws(UpliftError) -> JSONValue
    }

    /// Decodes a body with the same `XQuery(json:defaultTimeZone:)` the command line uses, so both
    /// accept and refuse exactly the same queries (errors name the field). `storedExperiment` reads a
    /// definition from the catalog by key (experiment queries only).
    func decode(
        _ json: JSONValue, defaultTimeZone: String,
        storedExperiment: (String) async throws(UpliftError) -> ExperimentDefinition?
    ) async throws(UpliftError) -> Decoded {
        switch self {
        case .funnel:
            let q = try FunnelQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try e.funnel(q, snapshot: s, links: l, budget: b).json
                    let warnings = try e.warnings(
                        events: q.eventNames, properties: q.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "funnel",
                    compile: { (d, i) throws(UpliftError) in try FunnelSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try FunnelSQL.result(rows, q).json }),
                events: q.eventNames, properties: q.propertyRefs)
        case .trend:
            let q = try TrendQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try e.trend(q, snapshot: s, links: l, budget: b).json
                    let warnings = try e.warnings(
                        events: q.eventNames, properties: q.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "trend",
                    compile: { (d, i) throws(UpliftError) in try TrendSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try TrendSQL.result(rows, q).json }),
                events: q.eventNames, properties: q.propertyRefs)
        case .adoption:
            let q = try AdoptionQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try e.adoption(q, snapshot: s, links: l, budget: b).json
                    let warnings = try e.warnings(
                        events: q.eventNames, properties: q.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "adoption",
                    compile: { (d, i) throws(UpliftError) in try AdoptionSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try AdoptionSQL.result(rows, q).json }),
                events: q.eventNames, properties: q.propertyRefs)
        case .retention:
            let q = try RetentionQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try e.retention(q, snapshot: s, links: l, budget: b).json
                    let warnings = try e.warnings(
                        events: q.eventNames, properties: q.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "retention",
                    compile: { (d, i) throws(UpliftError) in try RetentionSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try RetentionSQL.result(rows, q).json }),
                events: q.eventNames, properties: q.propertyRefs)
        case .lifecycle:
            let q = try LifecycleQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try e.lifecycle(q, snapshot: s, links: l, budget: b).json
                    let warnings = try e.warnings(
                        events: q.eventNames, properties: q.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "lifecycle",
                    compile: { (d, i) throws(UpliftError) in try LifecycleSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try LifecycleSQL.result(rows, q).json }),
                events: q.eventNames, properties: q.propertyRefs)
        case .feedback:
            let q = try FeedbackQuery(json: json, defaultTimeZone: defaultTimeZone)
            return Decoded(
                project: q.scope.project,
                run: { (e, s, l, b) throws(UpliftError) in try e.feedback(q, snapshot: s, links: l, budget: b).json },
                sql: SQL(
                    name: "feedback",
                    compile: { (d, i) throws(UpliftError) in try FeedbackSQL.compile(q, dialect: d, inputs: i) },
                    answer: { (rows) throws(UpliftError) in try FeedbackSQL.result(rows, q).json }))
        case .experiment:
            let q = try ExperimentQuery(json: json, defaultTimeZone: defaultTimeZone)
            let definition: ExperimentDefinition
            switch q.source {
            case .definition(let inline): definition = inline
            case .key(let key):
                guard let stored = try await storedExperiment(key) else {
                    throw UpliftError(
                        .notFound,
                        "experiment: no experiment \(UpliftError.quote(key)) in this project; create it with POST /v1/experiments or give its definition inline"
                    )
                }
                definition = stored
            }
            let range = try q.range(of: definition, now: Timestamp.now())
            return Decoded(
                project: q.project,
                run: { (e, s, l, b) throws(UpliftError) in
                    let answer = try ExperimentAnalysis.run(
                        definition, from: range.from, to: range.to, snapshot: s, links: l, engine: e,
                        correction: q.correction, budget: b
                    ).json
                    let warnings = try e.warnings(
                        events: definition.eventNames, properties: definition.propertyRefs, snapshot: s, budget: b)
                    return answer.adding(warnings: warnings)
                },
                sql: SQL(
                    name: "experiment analysis",
                    compile: { (d, i) throws(UpliftError) in
                        try ExperimentSQL.compile(definition, from: range.from, to: range.to, dialect: d, inputs: i)
                    },
                    answer: { (rows) throws(UpliftError) in
                        let data = try ExperimentSQL.data(rows, definition, from: range.from, to: range.to)
                        return ExperimentAnalysis.analyze(definition, data: data, correction: q.correction).json
                    }),
                events: definition.eventNames, properties: definition.propertyRefs)
        }
    }
}
