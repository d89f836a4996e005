package import UpliftAnalysis
package import UpliftModel

/// The SQL a question compiles to differs between engines in a few places only: how names and texts
/// are quoted, how a JSON member is read, how an instant becomes a local period, and a handful of
/// function names. Each engine is one case here; everything else is shared (`EventSQL`, `TrendSQL`).
package enum SQLDialect: String, Sendable, CaseIterable {
    /// DuckDB: the independent check of the compiled semantics, over the very files Uplift reads.
    case duckdb
    /// Apache Spark SQL, through Spark Connect.
    case spark

    /// The engine's name, for messages.
    package var name: String {
        switch self {
        case .duckdb: "DuckDB"
        case .spark: "Spark"
        }
    }

    /// `"name"` (DuckDB) or `` `name` `` (Spark).
    package func identifier(_ name: String) -> String {
        switch self {
        case .duckdb: "\"" + name.replacingAll("\"", with: "\"\"") + "\""
        case .spark: "`" + name.replacingAll("`", with: "``") + "`"
        }
    }

    /// A string literal. Spark's parser reads backslash escapes inside quotes, DuckDB's does not.
    package func string(_ text: String) -> String {
        switch self {
        case .duckdb: "'" + text.replacingAll("'", with: "''") + "'"
        case .spark: "'" + text.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
        }
    }

    /// A double literal that reads back as exactly `value`.
    package func double(_ value: Double) -> String {
        // Through a text, so that infinities and NaN (which a filter's operand may be) are literals too.
        "CAST('\(value.description)' AS DOUBLE)"
    }

    /// The event time column as microseconds since the epoch (BIGINT).
    package func microseconds(_ column: String) -> String {
        switch self {
        case .duckdb: "epoch_us(\(column))"
        case .spark: "unix_micros(\(column))"
        }
    }

    /// The text of top-level member `key` of the JSON object text in `column`: a string's value, a
    /// number as written, `true`/`false`; NULL when the member is absent or JSON null.
    package func jsonMember(_ column: String, key: String) throws(UpliftError) -> String {
        switch self {
        case .duckdb:
            guard !key.contains("\"") && !key.contains("\\") else { throw Self.unsupportedKey(key, self) }
            return "json_extract_string(\(column), \(string("$.\"" + key + "\"")))"
        case .spark:
            guard !key.contains("'") && !key.contains("]") && !key.contains("\\") else {
                throw Self.unsupportedKey(key, self)
            }
            return "get_json_object(\(column), \(string("$['" + key + "']")))"
        }
    }

    private static func unsupportedKey(_ key: String, _ dialect: SQLDialect) -> UpliftError {
        UpliftError(
            .unsupported,
            "property \(UpliftError.quote(key)): its name has a quote, bracket or backslash, which \(dialect.name) SQL cannot address in a JSON path; ask the embedded engine"
        )
    }

    /// `text` as a DOUBLE, NULL when it is not a number.
    package func number(_ text: String) -> String {
        switch self {
        case .duckdb: "TRY_CAST(\(text) AS DOUBLE)"
        case .spark: "try_cast(\(text) AS DOUBLE)"
        }
    }

    /// A typed column's value as the text its JSON member had (shredded properties: schemas/STORAGE.md).
    package func text(_ column: String) -> String {
        switch self {
        case .duckdb: "CAST(\(column) AS VARCHAR)"
        case .spark: "CAST(\(column) AS STRING)"
        }
    }

    /// Whether `text` holds `needle` (case-sensitive; `needle` is not empty).
    package func contains(_ text: String, _ needle: String) -> String {
        switch self {
        case .duckdb: "contains(\(text), \(string(needle)))"
        case .spark: "instr(\(text), \(string(needle))) > 0"
        }
    }

    /// The local date of the instant in timestamp column `column` in zone `zone`, as days since 1970-01-01.
    package func localDay(_ column: String, zone: String) -> String {
        switch self {
        case .duckdb: "CAST(CAST(timezone(\(string(zone)), \(column)) AS DATE) - DATE '1970-01-01' AS BIGINT)"
        case .spark: "CAST(unix_date(to_date(from_utc_timestamp(\(column), \(string(zone))))) AS BIGINT)"
        }
    }

    /// The number of the local period holding the instant in `column`, as `LocalCalendar.periodNumber`
    /// counts them: days since 1970-01-01, ISO weeks since the epoch's week, months since 1970-01 (BIGINT).
    package func periodNumber(_ column: String, _ interval: Interval, zone: String) -> String {
        let day = localDay(column, zone: zone)
        switch interval {
        case .hour:
            let hour =
                self == .duckdb
                ? "hour(timezone(\(string(zone)), \(column)))" : "hour(from_utc_timestamp(\(column), \(string(zone))))"
            return "(\(day) * 24 + \(hour))"
        case .day: return day
        // Day 0 (1970-01-01) was a Thursday: Monday-based weeks are (day + 3) / 7, rounded down.
        case .week: return "CAST(floor((\(day) + 3) / 7.0) AS BIGINT)"
        case .month:
            let local =
                self == .duckdb
                ? "timezone(\(string(zone)), \(column))" : "from_utc_timestamp(\(column), \(string(zone)))"
            return "CAST((year(\(local)) - 1970) * 12 + month(\(local)) - 1 AS BIGINT)"
        }
    }

    /// A unique number for each row of a relation (no order promised).
    package var rowID: String {
        switch self {
        case .duckdb: "row_number() OVER ()"
        case .spark: "monotonically_increasing_id()"
        }
    }

    /// A pair ordered by `first`, then `second`, whose fields read back as `.t` and `.r`: the smallest one
    /// of a group (`min`) picks the earliest time and, among equal times, the smallest row.
    package func pair(_ first: String, _ second: String) -> String {
        switch self {
        case .duckdb: "struct_pack(t := \(first), r := \(second))"
        case .spark: "named_struct('t', \(first), 'r', \(second))"
        }
    }

    /// An inline table: `rows` of literals (already written as SQL) with column names `columns`.
    package func values(_ rows: [[String]], as alias: String, columns: [String]) -> String {
        let list = rows.map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: ", ")
        let names = columns.map(identifier).joined(separator: ", ")
        return "(SELECT * FROM (VALUES \(list)) AS \(alias)(\(names)))"
    }

    /// The label of the local period holding the instant in timestamp column `column`: its first day
    /// (`YYYY-MM-DD`), or its first hour (`YYYY-MM-DDTHH:00`), in IANA zone `zone`. Weeks start on Monday
    /// in both engines, as in Uplift's calendar. Spark's session time zone is pinned to UTC.
    package func periodLabel(_ column: String, _ interval: Interval, zone: String) -> String {
        switch self {
        case .duckdb:
            let local = "timezone(\(string(zone)), \(column))"
            let format = interval == .hour ? "%Y-%m-%dT%H:00" : "%Y-%m-%d"
            return "strftime(date_trunc(\(string(interval.rawValue)), \(local)), \(string(format)))"
        case .spark:
            let local = "from_utc_timestamp(\(column), \(string(zone)))"
            let format = interval == .hour ? "yyyy-MM-dd'T'HH:00" : "yyyy-MM-dd"
            return
                "date_format(date_trunc(\(string(interval.rawValue.uppercased())), \(local)), \(string(format)))"
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
