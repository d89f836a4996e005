/// An error with a stable machine-readable code, a message that says what went wrong and what
/// to do, and an optional underlying cause. Messages never carry user data or secrets.
public struct UpliftError: Error, Sendable, CustomStringConvertible {
    /// A stable, growable error code (a struct over a private enum, as SwiftNIO does).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
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
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

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

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }
}
