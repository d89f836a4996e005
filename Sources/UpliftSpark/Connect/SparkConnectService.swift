/// The gRPC service Spark Connect serves, and the methods Uplift calls on it.
package enum SparkConnectService {
    /// The fully qualified service name (`service SparkConnectService` in package `spark.connect`).
    package static let name = "spark.connect.SparkConnectService"

    package enum Method: String, Sendable, CaseIterable {
        /// `ExecutePlanRequest` → a stream of `ExecutePlanResponse`.
        case executePlan = "ExecutePlan"
        /// `ConfigRequest` → `ConfigResponse`.
        case config = "Config"
        /// `ReleaseSessionRequest` → `ReleaseSessionResponse` (whose two ids Uplift does not read).
        case releaseSession = "ReleaseSession"
        /// `FetchErrorDetailsRequest` → `FetchErrorDetailsResponse`.
        case fetchErrorDetails = "FetchErrorDetails"

        /// The method's name in the service.
        package var name: String { rawValue }

        /// The HTTP/2 path a call is sent to: `/spark.connect.SparkConnectService/ExecutePlan`.
        package var path: String { "/\(SparkConnectService.name)/\(rawValue)" }

        /// Whether the server answers with a stream of messages (only `ExecutePlan`); the others are
        /// unary. No method Uplift calls streams from the client.
        package var isServerStreaming: Bool { self == .executePlan }
    }
}
