/// `spark.connect.Plan`: what an `ExecutePlanRequest` runs, either a relation whose rows come back
/// as Arrow batches or a command.
package enum SparkPlan: Sendable, Hashable {
    /// `root = 1`.
    case root(SparkRelation)
    /// `command = 2`.
    case command(SparkCommand)

    package func encode(into writer: inout ProtoWriter) {
        switch self {
        case .root(let relation):
            writer.message(1) { relation.encode(into: &$0) }
        case .command(let command):
            writer.message(2) { command.encode(into: &$0) }
        }
    }
}
