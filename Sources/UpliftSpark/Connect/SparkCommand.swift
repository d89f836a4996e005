/// The `spark.connect.Command`s Uplift sends.
package enum SparkCommand: Sendable, Hashable {
    /// `create_dataframe_view = 3`: `CreateDataFrameViewCommand { input = 1, name = 2, is_global = 3,
    /// replace = 4 }`, a temporary view of `input` named `name`, visible to later requests of the
    /// same session (a global one to every session, under `global_temp.`).
    case createDataFrameView(input: SparkRelation, name: String, isGlobal: Bool = false, replace: Bool = true)

    package func encode(into writer: inout ProtoWriter) {
        switch self {
        case .createDataFrameView(let input, let name, let isGlobal, let replace):
            writer.message(3) { command in
                command.message(1) { input.encode(into: &$0) }
                if !name.isEmpty { command.string(2, name) }
                if isGlobal { command.bool(3, true) }
                if replace { command.bool(4, true) }
            }
        }
    }
}
