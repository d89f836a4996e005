package import UpliftModel
package import UpliftSQL

/// Questions on Apache Spark through Spark Connect (`--engine sc://…`): the question compiled to Spark SQL,
/// run over temporary views of exactly the project's live segment files and its person map, and the rows
/// Spark returns turned into the answer by the compiler's `result` (the same document the embedded engine
/// gives).
package struct SparkEngine: SQLEngine {
    package var name: String { "spark" }
    package var label: String { "Apache Spark at \(url.endpoint)" }
    package let url: SparkConnectURL
    /// The longest any one call to Spark may take (the question's own timeout).
    package let timeout: Duration

    package init(url: SparkConnectURL, timeout: Duration) {
        self.url = url
        self.timeout = timeout
    }

    /// `--engine` (or `$UPLIFT_ENGINE`): a Spark Connect string.
    package init(parsing text: String, timeout: Duration) throws(UpliftError) {
        self.init(url: try SparkConnectURL(parsing: text), timeout: timeout)
    }

    /// The rows of the statement `compile` writes over `files` (absolute paths, or URLs Spark reads, of the
    /// live segments; `basePath` the directory their Hive partitions are under) and the person map. Each
    /// group of files is a temporary view of its own (`uplift_events_N`, see `SegmentFiles`). No segment: no
    /// rows, and Spark is not asked.
    /// `question` names the question in errors (`trend`).
    package func rows(
        question: String, files: SegmentFiles, basePath: String, personMap: String,
        compile: (SQLInputs) throws(UpliftError) -> String
    ) async throws(UpliftError) -> SQLRows {
        let events = files.events(.spark) { "uplift_events_\($0)" }
        let sql = try compile(SQLInputs(events: events, personMap: "uplift_persons", shredded: files.shredded))
        guard !files.isEmpty else { return SQLRows(columns: [], rows: []) }
        do throws(UpliftError) {
            let batches = try await SparkConnectSession.withSession(url, timeout: timeout) {
                (spark) throws(UpliftError) -> [[UInt8]] in
                for (i, group) in files.groups.enumerated() {
                    try await spark.createView("uplift_events_\(i)", parquet: group.paths, basePath: basePath)
                }
                try await spark.createView("uplift_persons", parquet: [personMap], basePath: nil)
                return try await spark.sql(sql)
            }
            return try SQLRows(arrowStreams: batches)
        } catch {
            throw UpliftError(error.code, "the \(question) on \(url.endpoint): \(error.message)", cause: error)
        }
    }
}

extension SQLRows {
    /// The rows of Arrow IPC streams (one per batch Spark sent), in order.
    package init(arrowStreams: [[UInt8]]) throws(UpliftError) {
        var columns: [String] = []
        var rows: [[Value]] = []
        for stream in arrowStreams {
            let table = try ArrowStreamReader.read(stream)
            if columns.isEmpty { columns = table.fields.map(\.name) }
            for row in table.rows { rows.append(row.map(Value.init)) }
        }
        self.init(columns: columns, rows: rows)
    }
}

extension SQLRows.Value {
    init(_ value: ArrowValue) {
        switch value {
        case .null: self = .null
        case .int(let v): self = .integer(v)
        case .uint(let v): self = Int64(exactly: v).map(Self.integer) ?? .double(Double(v))
        case .double(let v): self = .double(v)
        case .bool(let v): self = .boolean(v)
        case .string(let v): self = .text(v)
        case .decimal(let v): self = v.int64.map(Self.integer) ?? .double(v.double)
        case .timestamp(let v): self = .integer(v)
        case .date(let v): self = .integer(Int64(v))
        case .binary: self = .null
        }
    }
}
