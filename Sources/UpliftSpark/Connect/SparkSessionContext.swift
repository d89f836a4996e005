/// What every Spark Connect request of one session repeats: the session id, the user, the client's
/// name and, once a response has told it, the server's own id for the session.
package struct SparkSessionContext: Sendable, Hashable {
    /// `session_id`: a UUID string (lowercase, as Spark's clients write it) chosen by the client; the
    /// server creates the session on its first request.
    package var sessionID: String
    package var userContext: SparkUserContext
    /// `client_type`: the client's name and version (pyspark sends its user agent), shown in
    /// Spark's UI and logs.
    package var clientType: String
    /// `client_observed_server_side_session_id`: the `server_side_session_id` of an earlier response.
    /// When set, the server refuses a request whose session it no longer has (it restarted, or the
    /// session expired) with `INVALID_HANDLE.SESSION_CHANGED` instead of silently starting a new one.
    package var serverSideSessionID: String?

    package init(
        sessionID: String, userContext: SparkUserContext, clientType: String, serverSideSessionID: String? = nil
    ) {
        self.sessionID = sessionID
        self.userContext = userContext
        self.clientType = clientType
        self.serverSideSessionID = serverSideSessionID
    }
}
