/// An error with a stable machine-readable code, a message that says what went wrong and what
/// to do, and an optional underlying cause. Messages never carry stored data or secrets; a value the
/// caller sent is shown only through `quote` (short, escaped).
///
/// The codes are also the HTTP API's error codes: the server gives each one its status in one table
/// (`UpliftError+HTTP.swift` in UpliftServer), so a handler only throws.
package struct UpliftError: Error, Sendable, CustomStringConvertible {
    /// A stable, growable error code (a struct over a private enum, as SwiftNIO does).
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case named(Name)
            /// A wire decoder's reason for refusing a whole body (`Rejection.code`), answered as it is.
            case rejection(String)
            /// The web framework's own refusal of a request, by its HTTP status (`http_405`).
            case http(Int)
        }

        private enum Name: String, Sendable {
            case invalidInput = "invalid_input"
            case invalidJSON = "invalid_json"
            case invalidUTF8 = "invalid_utf8"
            case tooLarge = "too_large"
            case notFound = "not_found"
            case corrupt = "corrupt"
            case io = "io_error"
            case unsupported = "unsupported"
            case catalogUnavailable = "catalog_unavailable"
            case storageUnavailable = "storage_unavailable"
            case nestingTooDeep = "nesting_too_deep"
            case invalidBody = "invalid_body"
            case unauthorized = "unauthorized"
            case forbidden = "forbidden"
            case crossOrigin = "cross_origin"
            case rateLimited = "rate_limited"
            case bodyTooLarge = "body_too_large"
            case batchTooLarge = "batch_too_large"
            case unsupportedEncoding = "unsupported_encoding"
            case unsupportedMediaType = "unsupported_media_type"
            case invalidPath = "invalid_path"
            case invalidGzip = "invalid_gzip"
            case incompleteBody = "incomplete_body"
            case requestTimeout = "request_timeout"
            case allRejected = "all_rejected"
            case invalidQuery = "invalid_query"
            case invalidDefinition = "invalid_definition"
            case invalidVariant = "invalid_variant"
            case alreadyExists = "already_exists"
            case ambiguousGoal = "ambiguous_goal"
            case noDashboards = "no_dashboards"
            case dashboardsUnavailable = "dashboards_unavailable"
            case internalError = "internal_error"
            case queryTimeout = "query_timeout"
            case queryCancelled = "query_cancelled"
            case engineUnavailable = "engine_unavailable"
            case engineFailed = "engine_failed"
        }
        private let base: Base
        private init(_ name: Name) { base = .named(name) }
        private init(base: Base) { self.base = base }

        package static let invalidInput = Code(.invalidInput)
        package static let invalidJSON = Code(.invalidJSON)
        package static let invalidUTF8 = Code(.invalidUTF8)
        package static let tooLarge = Code(.tooLarge)
        package static let notFound = Code(.notFound)
        package static let corrupt = Code(.corrupt)
        package static let io = Code(.io)
        package static let unsupported = Code(.unsupported)
        /// The catalog (SQLite file or PostgreSQL) cannot be reached or used right now; retrying later may work.
        package static let catalogUnavailable = Code(.catalogUnavailable)
        /// The event store (log, segments) cannot be written or read right now; retrying later may work.
        package static let storageUnavailable = Code(.storageUnavailable)
        /// The query engine a question runs on (Spark through Spark Connect) cannot be reached right now.
        package static let engineUnavailable = Code(.engineUnavailable)
        /// The query engine refused or failed a question's statement (its error class is in the message).
        package static let engineFailed = Code(.engineFailed)

        /// JSON nested deeper than the parser's limit.
        package static let nestingTooDeep = Code(.nestingTooDeep)
        /// A request body of the wrong shape (not an object, unknown members).
        package static let invalidBody = Code(.invalidBody)
        /// No API key, an unknown or revoked one, or one of the wrong kind.
        package static let unauthorized = Code(.unauthorized)
        /// A key used for another project than its own.
        package static let forbidden = Code(.forbidden)
        /// A request that a browser sent for a page of another site, to a route that only the key's holder may use.
        package static let crossOrigin = Code(.crossOrigin)
        /// A key sends more requests than allowed; `retryAfter` says when one can succeed.
        package static let rateLimited = Code(.rateLimited)
        /// A request body over the size limit (before or after inflating).
        package static let bodyTooLarge = Code(.bodyTooLarge)
        /// A batch with more messages than allowed.
        package static let batchTooLarge = Code(.batchTooLarge)
        /// A `Content-Encoding` other than gzip, deflate or identity.
        package static let unsupportedEncoding = Code(.unsupportedEncoding)
        /// A body whose `Content-Type` the route does not read (a form post's, for one).
        package static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// A path whose percent-encoding is broken (`%zz`, a cut `%4`, bytes that are not UTF-8).
        package static let invalidPath = Code(.invalidPath)
        /// A body that is not valid gzip or deflate data.
        package static let invalidGzip = Code(.invalidGzip)
        /// The connection ended before the whole body arrived.
        package static let incompleteBody = Code(.incompleteBody)
        /// The body did not arrive in time.
        package static let requestTimeout = Code(.requestTimeout)
        /// Every message of a body was refused; `rejected` lists why, by index.
        package static let allRejected = Code(.allRejected)
        /// A query (or a query parameter) that is not valid; the message names the field.
        package static let invalidQuery = Code(.invalidQuery)
        /// An experiment or flag definition that is not valid; the message names the field.
        package static let invalidDefinition = Code(.invalidDefinition)
        /// A variant that the experiment does not have.
        package static let invalidVariant = Code(.invalidVariant)
        /// A definition whose key is taken.
        package static let alreadyExists = Code(.alreadyExists)
        /// A goal id that several PR/FAQs use.
        package static let ambiguousGoal = Code(.ambiguousGoal)
        /// The server was started without a PR/FAQ folder.
        package static let noDashboards = Code(.noDashboards)
        /// The PR/FAQ folder cannot be read right now; retrying later may work.
        package static let dashboardsUnavailable = Code(.dashboardsUnavailable)
        /// A failure nobody foresaw; the details are logged, never returned.
        package static let internalError = Code(.internalError)
        /// A query that ran past the server's time limit (`--query-timeout`).
        package static let queryTimeout = Code(.queryTimeout)
        /// A query stopped because its client went away (nobody reads the answer).
        package static let queryCancelled = Code(.queryCancelled)

        /// The code of a body refused by a wire decoder: the rejection's own code (the named code when
        /// there is one, so `invalid_json` is `.invalidJSON` whichever layer refused it).
        package static func rejection(_ rejection: Rejection) -> Code {
            Name(rawValue: rejection.code).map { Code($0) } ?? Code(base: .rejection(rejection.code))
        }

        /// The web framework's own refusal, by HTTP status (`http_405`).
        package static func http(status: Int) -> Code { Code(base: .http(status)) }

        /// Whether this is a wire decoder's code without a name of its own (`missing_event_name` …).
        package var isRejection: Bool {
            if case .rejection = base { return true }
            return false
        }

        /// The HTTP status of a framework refusal (`http(status:)`), nil for every other code.
        package var httpStatus: Int? {
            if case .http(let status) = base { return status }
            return nil
        }

        package var description: String {
            switch base {
            case .named(let name): name.rawValue
            case .rejection(let code): code
            case .http(let status): "http_\(status)"
            }
        }
    }

    package var code: Code
    package var message: String
    package var cause: (any Error)?
    /// How long until a retry can succeed, when the thrower knows (a rate limit's refill); nil lets
    /// the server answer its configured wait for the codes that ask clients to retry.
    package var retryAfter: Duration?
    /// The refused messages of a body, by index, for `.allRejected`: domain values the caller lists.
    package var rejected: [RejectedMessage] = []

    package init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// A body refused as a whole by a wire decoder: its code and message, as the decoder said them.
    package init(_ rejection: Rejection) {
        self.init(.rejection(rejection), rejection.message)
    }

    package var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }
}
