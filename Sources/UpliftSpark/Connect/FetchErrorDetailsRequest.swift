/// `spark.connect.FetchErrorDetailsRequest`, the argument of the unary
/// `/spark.connect.SparkConnectService/FetchErrorDetails`: the full error behind a failed call, by the
/// `errorId` that the call's `ErrorInfo` metadata named (the server keeps it for a while).
package struct FetchErrorDetailsRequest: Sendable, Hashable {
    package var session: SparkSessionContext
    /// `error_id = 3`.
    package var errorID: String

    package init(session: SparkSessionContext, errorID: String) {
        self.session = session
        self.errorID = errorID
    }

    package func encoded() -> [UInt8] {
        var writer = ProtoWriter()
        if !session.sessionID.isEmpty { writer.string(1, session.sessionID) }
        writer.message(2) { session.userContext.encode(into: &$0) }
        if !errorID.isEmpty { writer.string(3, errorID) }
        writer.string(4, session.clientType)
        if let observed = session.serverSideSessionID { writer.string(5, observed) }
        return writer.bytes
    }
}
