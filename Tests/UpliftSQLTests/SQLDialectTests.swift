import Testing
import UpliftAnalysis
import UpliftModel
import UpliftSQL
import UpliftStorage

/// What running the DuckDB statements cannot show: Spark's own quoting, and names no JSON path of a dialect
/// can address, which are refused rather than compiled into a statement that reads something else.
struct SQLDialectTests {
    @Test(arguments: [
        (SQLDialect.duckdb, "it's", "'it''s'"),
        (.duckdb, #"a\b"#, #"'a\b'"#),
        (.spark, "it's", #"'it\'s'"#),
        (.spark, #"a\b"#, #"'a\\b'"#),
        (.spark, #"a\'"#, #"'a\\\''"#),
    ])
    func stringLiterals(_ dialect: SQLDialect, _ text: String, _ literal: String) {
        #expect(dialect.string(text) == literal)
    }

    @Test func identifiersDoubleTheirQuote() {
        #expect(SQLDialect.duckdb.identifier(#"a"b"#) == #""a""b""#)
        #expect(SQLDialect.spark.identifier("a`b") == "`a``b`")
    }

    @Test func doublesReadBackExactlyIncludingInfinity() {
        #expect(SQLDialect.spark.double(0.1) == "CAST('0.1' AS DOUBLE)")
        #expect(SQLDialect.duckdb.double(-.infinity) == "CAST('-inf' AS DOUBLE)")
    }

    @Test(arguments: [(SQLDialect.duckdb, #"say "hi""#), (.spark, "it's"), (.spark, "a]b"), (.duckdb, #"a\b"#)])
    func keysAPathCannotAddressAreRefused(_ dialect: SQLDialect, _ key: String) throws {
        let query = TrendQuery(
            scope: QueryScope(from: 0, to: 86_400_000_000, now: 0), event: nil,
            eventFilters: [PropertyFilter(property: PropertyRef(key), op: .isSet)])
        let error = #expect(throws: UpliftError.self) {
            try TrendSQL.compile(query, dialect: dialect, inputs: SQLInputs(events: "e", personMap: nil))
        }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains(dialect.name + " SQL cannot address") == true)
    }

    @Test func sparkReadsLocalPeriodsThroughItsOwnFunctions() throws {
        let calendar = try LocalCalendar(timeZone: "Europe/Berlin")
        let query = TrendQuery(
            scope: QueryScope(from: 0, to: 86_400_000_000, calendar: calendar, now: 0), event: "signed_up",
            measure: .persons, interval: .week, breakdown: PropertyRef("plan"))
        let sql = try TrendSQL.compile(
            query, dialect: .spark,
            inputs: SQLInputs(events: "uplift_events", personMap: "uplift_persons", shredded: ["plan": .string]))
        #expect(sql.contains("date_trunc('WEEK', from_utc_timestamp(e.`timestamp`, 'Europe/Berlin'))"))
        #expect(sql.contains("unix_micros(e.`timestamp`) >= 0"))
        #expect(sql.contains("coalesce(CAST(e.`prop_plan` AS STRING), get_json_object(e.properties, '$[\\'plan\\']'))"))
        #expect(sql.contains("LEFT JOIN uplift_persons AS m"))
        #expect(!sql.contains("\""), "Spark reads double quotes as strings, never as names")
    }
}
