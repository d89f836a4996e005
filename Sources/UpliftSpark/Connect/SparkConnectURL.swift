/// A Spark Connect connection string, `sc://HOST[:PORT]/[;key=value]…`, as Spark's clients read it
/// (Spark's `client-connection-string.md` and pyspark's `ChannelBuilder`).
///
/// The parameters Spark defines configure the client: `token` (a bearer token, which turns TLS on),
/// `use_ssl`, `user_id`, `user_agent`, `session_id` and the `grpc_keepalive_*` settings. Any other
/// parameter is sent as a gRPC metadata header on every call, as pyspark does (an authenticating
/// proxy's key, a routing hint). The token and the headers' values never appear in a description.
package struct SparkConnectURL: Sendable, Hashable {
    /// Spark Connect's port when the URL names none.
    package static let defaultPort = 15002

    /// A gRPC metadata header that every call carries. Its value may be a secret (the token's
    /// `authorization`, a proxy's key), so descriptions and dumps show only its name.
    package struct Header: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        package var description: String { "\(name): ***" }
        package var debugDescription: String { description }
        package var customMirror: Mirror { Mirror(self, children: ["name": name]) }
    }

    /// HTTP/2 keepalive pings, which find a connection that a NAT or load balancer dropped silently;
    /// the defaults are pyspark's (and Spark's JVM client's).
    package struct Keepalive: Sendable, Hashable {
        /// `grpc_keepalive_enabled` (default true).
        package var enabled = true
        /// `grpc_keepalive_time_ms`: idle time before a ping (default 60 s).
        package var timeMilliseconds = 60_000
        /// `grpc_keepalive_timeout_ms`: how long to wait for the ping's answer (default 20 s).
        package var timeoutMilliseconds = 20_000
        /// `grpc_keepalive_without_calls`: ping also while no call is open (default true).
        package var withoutCalls = true

        package init() {}
    }

    /// The host name or IP address (an IPv6 address without its brackets).
    package var host: String
    package var port: Int
    /// `use_ssl=true`: TLS, verifying the server with the system's trusted certificates.
    package var useSSL: Bool
    /// `token`: sent as `authorization: Bearer TOKEN`; implies TLS.
    package var token: String?
    /// `user_id`: the `UserContext.user_id` of every request.
    package var userID: String?
    /// `user_agent`: the client's name, for `client_type` and the HTTP user agent.
    package var userAgent: String?
    /// `session_id`: a UUID naming the server-side session to use (shared with other clients);
    /// nil lets the client choose a new one.
    package var sessionID: String?
    package var keepalive: Keepalive
    /// The URL's other parameters, in the order written.
    package var headers: [Header]

    package init(host: String, port: Int = Self.defaultPort) {
        self.host = host
        self.port = port
        useSSL = false
        token = nil
        userID = nil
        userAgent = nil
        sessionID = nil
        keepalive = Keepalive()
        headers = []
    }

    /// Whether calls go over TLS: `use_ssl=true`, or a token (which must not travel in the clear).
    package var usesTLS: Bool { useSSL || token != nil }

    /// `host:port`, with an IPv6 address in brackets.
    package var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The metadata every call sends: the token's `authorization` header, then the extra parameters.
    package var requestHeaders: [Header] {
        var all: [Header] = []
        if let token { all.append(Header(name: "authorization", value: "Bearer \(token)")) }
        return all + headers
    }
}

extension SparkConnectURL: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The URL with the token's and headers' values replaced by `***`.
    package var description: String {
        var text = "sc://\(endpoint)/"
        if useSSL { text += ";use_ssl=true" }
        if token != nil { text += ";token=***" }
        if let userID { text += ";user_id=\(userID)" }
        if let userAgent { text += ";user_agent=\(userAgent)" }
        if let sessionID { text += ";session_id=\(sessionID)" }
        for header in headers { text += ";\(header.name)=***" }
        return text
    }

    package var debugDescription: String { description }

    /// What `dump` and debuggers show: no token, no header values.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoint": endpoint, "usesTLS": usesTLS, "hasToken": token != nil, "userID": userID as Any,
                "userAgent": userAgent as Any, "sessionID": sessionID as Any, "keepalive": keepalive,
                "headerNames": headers.map(\.name),
            ])
    }
}
