/// Why one message (or a whole body) was refused: a stable snake_case `code` for machines and a
/// `message` for people that names the field and says what to send instead. Messages never
/// quote the client's values, so they are safe to log and return.
package struct Rejection: Sendable, Hashable, Error, CustomStringConvertible {
    package var code: String
    package var message: String

    package init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }

    /// The codes this decoder produces, for documentation and exhaustive tests.
    package static let allCodes: [String] = [
        "invalid_json", "invalid_utf8", "nesting_too_deep", "invalid_body", "batch_too_large",
        "invalid_message", "event_too_large", "unknown_type", "missing_event_name", "event_name_too_long",
        "missing_distinct_id", "invalid_distinct_id", "distinct_id_too_long", "invalid_event_id",
        "event_id_too_long", "missing_previous_id", "invalid_timestamp", "invalid_properties",
        "invalid_context", "invalid_traits", "number_out_of_range",
    ]
}

/// A rejected message of a body, by its position (0 for a body that is a single message).
package struct RejectedMessage: Sendable, Hashable {
    package var index: Int
    package var reason: Rejection

    package init(index: Int, reason: Rejection) {
        self.index = index
        self.reason = reason
    }
}

/// What one request body decoded into. Valid messages become events even when others in the
/// same batch are rejected (partial success).
package struct DecodeResult: Sendable, Hashable {
    package var events: [Event] = []
    package var rejections: [RejectedMessage] = []
    /// Set when the body as a whole is unusable (not JSON, wrong shape, too many messages); then
    /// there are no events and no per-message rejections.
    package var bodyRejection: Rejection?
    /// Events whose corrected time lay too far in the future and was set to the receive time.
    package var clampedCount = 0
    /// Messages seen in the body (1 for a single message).
    package var messageCount = 0
    /// The project's public key when the body carries one (`writeKey`, `api_key`, `token`, `$token`).
    package var writeKey: String?

    package init() {}
}
