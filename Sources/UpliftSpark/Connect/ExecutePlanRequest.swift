/// `spark.connect.ExecutePlanRequest`, the argument of the server-streaming
/// `/spark.connect.SparkConnectService/ExecutePlan`.
///
/// Uplift runs plans non-reattachably: the request says so in `request_options`, the server streams
/// the whole result on this one call and forgets the operation when the call ends (nothing to
/// release with `ReleaseExecute`, no `ReattachExecute` after a broken stream: the query is simply
/// asked again).
package struct ExecutePlanRequest: Sendable, Hashable {
    package var session: SparkSessionContext
    /// `optional string operation_id = 6`: a UUID string naming the operation (for `Interrupt` and in
    /// Spark's UI); nil lets the server choose one.
    package var operationID: String?
    /// `plan = 3`.
    package var plan: SparkPlan
    /// `repeated string tags = 7`: labels for `Interrupt` by tag (no commas, not empty).
    package var tags: [String]
    /// `request_options = 5` with `reattach_options { reattachable = 1 }`.
    package var reattachable: Bool

    package init(
        session: SparkSessionContext, plan: SparkPlan, operationID: String? = nil, tags: [String] = [],
        reattachable: Bool = false
    ) {
        self.session = session
        self.plan = plan
        self.operationID = operationID
        self.tags = tags
        self.reattachable = reattachable
    }

    /// The serialized message, fields in number order as protobuf's serializers write them.
    package func encoded() -> [UInt8] {
        var writer = ProtoWriter()
        if !session.sessionID.isEmpty { writer.string(1, session.sessionID) }
        writer.message(2) { session.userContext.encode(into: &$0) }
        writer.message(3) { plan.encode(into: &$0) }
        writer.string(4, session.clientType)
        writer.message(5) { option in
            option.message(1) { reattach in
                if reattachable { reattach.bool(1, true) }
            }
        }
        if let operationID { writer.string(6, operationID) }
        for tag in tags { writer.string(7, tag) }
        if let observed = session.serverSideSessionID { writer.string(8, observed) }
        return writer.bytes
    }
}
