/// `spark.connect.ConfigRequest`, the argument of the unary `/spark.connect.SparkConnectService/Config`:
/// sets or reads session configuration (`spark.sql.session.timeZone`, …).
package struct ConfigRequest: Sendable, Hashable {
    /// `ConfigRequest.Operation`, a oneof of which Uplift uses two members.
    package enum Operation: Sendable, Hashable {
        /// `set = 1`: `Set { repeated KeyValue pairs = 1 }`.
        case set([SparkKeyValue])
        /// `get = 2`: `Get { repeated string keys = 1 }`; the response has one pair per key.
        case get([String])
    }

    package var session: SparkSessionContext
    /// `operation = 3`.
    package var operation: Operation

    package init(session: SparkSessionContext, operation: Operation) {
        self.session = session
        self.operation = operation
    }

    /// Sets each key to its value, in the order given.
    package static func set(_ pairs: KeyValuePairs<String, String>, session: SparkSessionContext) -> Self {
        ConfigRequest(session: session, operation: .set(pairs.map { SparkKeyValue(key: $0.key, value: $0.value) }))
    }

    package func encoded() -> [UInt8] {
        var writer = ProtoWriter()
        if !session.sessionID.isEmpty { writer.string(1, session.sessionID) }
        writer.message(2) { session.userContext.encode(into: &$0) }
        writer.message(3) { operation in
            switch self.operation {
            case .set(let pairs):
                operation.message(1) { set in
                    for pair in pairs { set.message(1) { pair.encode(into: &$0) } }
                }
            case .get(let keys):
                operation.message(2) { get in
                    for key in keys { get.string(1, key) }
                }
            }
        }
        writer.string(4, session.clientType)
        if let observed = session.serverSideSessionID { writer.string(8, observed) }
        return writer.bytes
    }
}
