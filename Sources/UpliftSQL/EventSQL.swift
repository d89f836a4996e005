import UpliftAnalysis
import UpliftModel
package import UpliftStorage

/// What compiled SQL reads: the events, the person map, and the typed property columns the events'
/// segments have. The events relation must hold exactly the live segments of the project (a file list
/// from the manifest, never a directory listing, which may see a segment being replaced).
package struct SQLInputs: Sendable {
    /// A relation with the segment columns (schemas/STORAGE.md): a table, a view or a table function.
    package var events: String
    /// A relation of `distinct_id, person_id` (the person map); nil when no id is linked to another.
    package var personMap: String?
    /// The shredded property columns (`prop_<key>`) any of the segments has, by key.
    package var shredded: [String: ShreddedProperty.Kind]

    package init(events: String, personMap: String?, shredded: [String: ShreddedProperty.Kind] = [:]) {
        self.events = events
        self.personMap = personMap
        self.shredded = shredded
    }

    /// DuckDB reading the files themselves: the segments by name (columns matched by name within a group,
    /// since the log's format changed over time) and the person map file.
    package static func duckdbFiles(_ files: SegmentFiles, personMap: String?) -> SQLInputs {
        let d = SQLDialect.duckdb
        // No segment: an empty relation of the columns the SQL reads.
        let events =
            files.isEmpty
            ? "(SELECT NULL::VARCHAR AS event, NULL::VARCHAR AS distinct_id, NULL::TIMESTAMPTZ AS \"timestamp\", "
                + "NULL::VARCHAR AS properties, NULL::VARCHAR AS context WHERE false)"
            : files.events(d) { i in
                "read_parquet([" + files.groups[i].paths.map(d.string).joined(separator: ", ")
                    + "], union_by_name = true)"
            }
        return SQLInputs(
            events: events, personMap: personMap.map { "read_parquet(\(d.string($0)))" }, shredded: files.shredded)
    }
}

/// The rows of one question's events as SQL: the events in the range that a role counts (its event
/// name, or every event but the bookkeeping ones), meeting the question's filters, with their person
/// (the person map applied, as Uplift's engine applies the links) and the values the question reads.
struct EventSQL {
    let dialect: SQLDialect
    let inputs: SQLInputs

    /// `SELECT columns FROM events [JOIN persons] WHERE from <= time < to AND filters AND (a role matches)`:
    /// the rows some role of the question counts (`role`), meeting the question's own filters.
    func select(
        _ columns: [(name: String, expression: String)], from: Int64, to: Int64, filters: [PropertyFilter],
        roles: [String]
    ) throws(UpliftError) -> String {
        let d = dialect
        let t = d.microseconds("e." + d.identifier("timestamp"))
        // `from` Int64.min: all history (retention's cohorts).
        var conditions = from == .min ? ["\(t) < \(to)"] : ["\(t) >= \(from)", "\(t) < \(to)"]
        for filter in filters { conditions.append(try condition(filter)) }
        conditions.append(roles.count == 1 ? roles[0] : "(" + roles.joined(separator: " OR ") + ")")
        var sql = "SELECT " + columns.map { "\($0.expression) AS \(d.identifier($0.name))" }.joined(separator: ", ")
        sql += "\n    FROM \(inputs.events) AS e"
        if let map = inputs.personMap { sql += "\n    LEFT JOIN \(map) AS m ON m.distinct_id = e.distinct_id" }
        sql += "\n    WHERE " + conditions.joined(separator: "\n      AND ")
        return sql
    }

    /// Whether an event is one a role counts: its event by name (none: every event but the bookkeeping ones),
    /// meeting the role's filters. Never NULL.
    func role(event: String?, filters: [PropertyFilter]) throws(UpliftError) -> String {
        var conditions: [String] = []
        if let event {
            conditions.append("e.event = \(dialect.string(event))")
        } else {
            let names = EventFrame.bookkeepingEvents.sorted().map(dialect.string).joined(separator: ", ")
            conditions.append("e.event NOT IN (\(names))")
        }
        for filter in filters { conditions.append(try condition(filter)) }
        return "(" + conditions.joined(separator: " AND ") + ")"
    }

    /// The local day (days since 1970-01-01) of the event in the question's time zone.
    func localDay(_ scope: QueryScope) -> String {
        dialect.localDay("e." + dialect.identifier("timestamp"), zone: scope.calendar.timeZone)
    }

    /// The event's person: its linked person, else its own distinct id.
    var person: String { inputs.personMap == nil ? "e.distinct_id" : "coalesce(m.person_id, e.distinct_id)" }

    /// The label of the local period of the event (`LocalCalendar.label`).
    func period(_ interval: Interval, _ scope: QueryScope) -> String {
        dialect.periodLabel("e." + dialect.identifier("timestamp"), interval, zone: scope.calendar.timeZone)
    }

    /// A property's value as text (`PropertyValue`'s text), NULL when absent or JSON null: from its typed
    /// column when some segment shredded it, else (and for rows whose value stayed in the JSON) the JSON.
    func text(_ property: PropertyRef) throws(UpliftError) -> String {
        switch property.source {
        case .context:
            return try dialect.jsonMember("e.context", key: property.key)
        case .properties:
            let json = try dialect.jsonMember("e.properties", key: property.key)
            guard inputs.shredded[property.key] != nil else { return json }
            let column = "e." + dialect.identifier(ShreddedProperty.columnPrefix + property.key)
            return "coalesce(\(dialect.text(column)), \(json))"
        }
    }

    /// A property's value as a number (`PropertyValue`'s number): a JSON number, or a string holding one.
    func number(_ property: PropertyRef) throws(UpliftError) -> String {
        dialect.number(try text(property))
    }

    /// `PropertyFilter`'s comparison rules as a condition that is never NULL.
    func condition(_ filter: PropertyFilter) throws(UpliftError) -> String {
        let text = try self.text(filter.property)
        let number = dialect.number(text)
        func equal(_ operand: String) -> String {
            // Numbers compare as numbers when both sides are numbers, else the texts compare.
            guard let value = Double(operand) else { return "\(text) = \(dialect.string(operand))" }
            return
                "CASE WHEN \(number) IS NOT NULL THEN \(number) = \(dialect.double(value)) ELSE \(text) = \(dialect.string(operand)) END"
        }
        let anyEqual = "(" + filter.values.map(equal).joined(separator: " OR ") + ")"
        switch filter.op {
        case .isSet: return "(\(text) IS NOT NULL)"
        case .isNotSet: return "(\(text) IS NULL)"
        case .eq: return "coalesce(\(anyEqual), false)"
        case .neq: return "coalesce(NOT \(anyEqual), true)"
        case .contains:
            guard let needle = filter.values.first, !needle.isEmpty else { return "false" }
            return "coalesce(\(dialect.contains(text, needle)), false)"
        case .gt, .gte, .lt, .lte:
            guard let bound = filter.values.first.flatMap(Double.init) else { return "false" }
            let op = [PropertyFilter.Operator.gt: ">", .gte: ">=", .lt: "<", .lte: "<="][filter.op]!
            return "coalesce(\(number) \(op) \(dialect.double(bound)), false)"
        }
    }
}
