/// `spark.connect.ReleaseSessionRequest`, the argument of the unary
/// `/spark.connect.SparkConnectService/ReleaseSession`: ends the session on the server (its temporary
/// views, its configuration, its cached data), as a client does when it stops.
package struct ReleaseSessionRequest: Sendable, Hashable {
    package var session: SparkSessionContext
    /// `allow_reconnect = 4`: whether a later request with the same session id may start a new session.
    package var allowReconnect: Bool

    package init(session: SparkSessionContext, allowReconnect: Bool = false) {
        self.session = session
        self.allowReconnect = allowReconnect
    }

    package func encoded() -> [UInt8] {
        var writer = ProtoWriter()
        if !session.sessionID.isEmpty { writer.string(1, session.sessionID) }
        writer.message(2) { session.userContext.encode(into: &$0) }
        writer.string(3, session.clientType)
        if allowReconnect { writer.bool(4, true) }
        return writer.bytes
    }
}
