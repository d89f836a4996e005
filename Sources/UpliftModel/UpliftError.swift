/// An error with a stable machine-readable code, a message that says what went wrong and what
/// to do, and an optional underlying cause. Messages never carry user data or secrets.
///
/// The codes are also the HTTP API's error codes: the server gives each one its status in one table
/// (`UpliftError+HTTP.swift` in UpliftServer), so a handler only throws.
public struct UpliftError: Error, Sendable, CustomStringConvertible {
    /// A stable, growable error code (a struct over a private enum, as SwiftNIO does).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
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
            case rateLimited = "rate_limited"
            case bodyTooLarge = "body_too_large"
            case batchTooLarge = "batch_too_large"
            case unsupportedEncoding = "unsupported_encoding"
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
        }
        private let base: Base
        private init(_ name: Name) { base = .named(name) }
        private init(base: Base) { self.base = base }

        public static let invalidInput = Code(.invalidInput)
        public static let invalidJSON = Code(.invalidJSON)
        public static let invalidUTF8 = Code(.invalidUTF8)
        public static let tooLarge = Code(.tooLarge)
        public static let notFound = Code(.notFound)
        public static let corrupt = Code(.corrupt)
        public static let io = Code(.io)
        public static let unsupported = Code(.unsupported)
        /// The catalog (SQLite file or PostgreSQL) cannot be reached or used right now; retrying later may work.
        public static let catalogUnavailable = Code(.catalogUnavailable)
        /// The event store (log, segments) cannot be written or read right now; retrying later may work.
        public static let storageUnavailable = Code(.storageUnavailable)

        /// JSON nested deeper than the parser's limit.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// A request body of the wrong shape (not an object, unknown members).
        public static let invalidBody = Code(.invalidBody)
        /// No API key, an unknown or revoked one, or one of the wrong kind.
        public static let unauthorized = Code(.unauthorized)
        /// A key used for another project than its own.
        public static let forbidden = Code(.forbidden)
        /// A key sends more requests than allowed; `retryAfter` says when one can succeed.
        public static let rateLimited = Code(.rateLimited)
        /// A request body over the size limit (before or after inflating).
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// A batch with more messages than allowed.
        public static let batchTooLarge = Code(.batchTooLarge)
        /// A `Content-Encoding` other than gzip, deflate or identity.
        public static let unsupportedEncoding = Code(.unsupportedEncoding)
        /// A body that is not valid gzip or deflate data.
        public static let invalidGzip = Code(.invalidGzip)
        /// The connection ended before the whole body arrived.
        public static let incompleteBody = Code(.incompleteBody)
        /// The body did not arrive in time.
        public static let requestTimeout = Code(.requestTimeout)
        /// Every message of a body was refused; `rejected` lists why, by index.
        public static let allRejected = Code(.allRejected)
        /// A query (or a query parameter) that is not valid; the message names the field.
        public static let invalidQuery = Code(.invalidQuery)
        /// An experiment or flag definition that is not valid; the message names the field.
        public static let invalidDefinition = Code(.invalidDefinition)
        /// A variant that the experiment does not have.
        public static let invalidVariant = Code(.invalidVariant)
        /// A definition whose key is taken.
        public static let alreadyExists = Code(.alreadyExists)
        /// A goal id that several PR/FAQs use.
        public static let ambiguousGoal = Code(.ambiguousGoal)
        /// The server was started without a PR/FAQ folder.
        public static let noDashboards = Code(.noDashboards)
        /// The PR/FAQ folder cannot be read right now; retrying later may work.
        public static let dashboardsUnavailable = Code(.dashboardsUnavailable)
        /// A failure nobody foresaw; the details are logged, never returned.
        public static let internalError = Code(.internalError)

        /// The code of a body refused by a wire decoder: the rejection's own code (the named code when
        /// there is one, so `invalid_json` is `.invalidJSON` whichever layer refused it).
        public static func rejection(_ rejection: Rejection) -> Code {
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

        public var description: String {
            switch base {
            case .named(let name): name.rawValue
            case .rejection(let code): code
            case .http(let status): "http_\(status)"
            }
        }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?
    /// How long until a retry can succeed, when the thrower knows (a rate limit's refill); nil lets
    /// the server answer its configured wait for the codes that ask clients to retry.
    public var retryAfter: Duration?
    /// The refused messages of a body, by index, for `.allRejected`: domain values the caller lists.
    public var rejected: [RejectedMessage] = []

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// A body refused as a whole by a wire decoder: its code and message, as the decoder said them.
    public init(_ rejection: Rejection) {
        self.init(.rejection(rejection), rejection.message)
    }

    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }
}
