/// `spark.connect.Read.DataSource`: files (or another source) read through a Spark data source.
package struct SparkDataSource: Sendable, Hashable {
    /// `optional string format = 1`: `parquet`, `json`…; nil lets Spark use `spark.sql.sources.default`.
    package var format: String?
    /// `optional string schema = 2`: a DDL or JSON schema; nil lets Spark infer it.
    package var schema: String?
    /// `map<string, string> options = 3`.
    package var options: [String: String]
    /// `repeated string paths = 4`.
    package var paths: [String]
    /// `repeated string predicates = 5` (only for JDBC sources).
    package var predicates: [String]

    package init(
        format: String?, schema: String? = nil, options: [String: String] = [:], paths: [String] = [],
        predicates: [String] = []
    ) {
        self.format = format
        self.schema = schema
        self.options = options
        self.paths = paths
        self.predicates = predicates
    }

    /// Parquet files under `paths`. `basePath` is where Hive-style partition folders (`day=…/`)
    /// start, so their names become columns; `mergeSchema` asks Spark to union the files' schemas
    /// instead of taking one file's.
    package static func parquet(paths: [String], basePath: String? = nil, mergeSchema: Bool = false) -> Self {
        var options: [String: String] = [:]
        if let basePath { options["basePath"] = basePath }
        if mergeSchema { options["mergeSchema"] = "true" }
        return SparkDataSource(format: "parquet", options: options, paths: paths)
    }

    package func encode(into writer: inout ProtoWriter) {
        if let format { writer.string(1, format) }
        if let schema { writer.string(2, schema) }
        writer.stringMap(3, options)
        for path in paths { writer.string(4, path) }
        for predicate in predicates { writer.string(5, predicate) }
    }
}
