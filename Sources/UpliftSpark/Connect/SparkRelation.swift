/// The `spark.connect.Relation`s Uplift sends: a SQL query, or files read through a data source.
package enum SparkRelation: Sendable, Hashable {
    /// `sql = 10`: `SQL { query = 1 }`, a query without parameters.
    case sql(String)
    /// `read = 2`: `Read { data_source = 2 }`, a batch (not streaming) read.
    case read(SparkDataSource)

    package func encode(into writer: inout ProtoWriter) {
        switch self {
        case .sql(let query):
            writer.message(10) { sql in
                if !query.isEmpty { sql.string(1, query) }
            }
        case .read(let source):
            writer.message(2) { read in
                read.message(2) { source.encode(into: &$0) }
            }
        }
    }
}
