/// The kind of message an event came from, in Segment's vocabulary.
package enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
    case track, identify, page, screen, group, alias
}

/// One stored event: the record every wire dialect decodes into and every segment holds.
///
/// Times are microseconds since the Unix epoch, UTC. `timestamp` is the event time corrected for
/// the client's clock skew (`timestamp − (sentAt − receivedAt)`), clamped when far in the future.
package struct Event: Sendable, Hashable {
    /// The client's `messageId` / `uuid` / `$insert_id`, or one generated when absent.
    package var eventID: String
    package var type: EventType
    /// The event name; pages and screens are `$pageview` / `$screen`.
    package var event: String
    /// The user id when present, else the anonymous id.
    package var distinctID: String
    package var userID: String?
    package var anonymousID: String?
    package var timestamp: Int64
    package var sentAt: Int64?
    package var receivedAt: Int64
    /// A JSON object, as text (`{}` when empty).
    package var properties: String
    /// A JSON object, as text (`{}` when empty).
    package var context: String

    package init(
        eventID: String, type: EventType, event: String, distinctID: String,
        userID: String? = nil, anonymousID: String? = nil,
        timestamp: Int64, sentAt: Int64? = nil, receivedAt: Int64,
        properties: String = "{}", context: String = "{}"
    ) {
        self.eventID = eventID
        self.type = type
        self.event = event
        self.distinctID = distinctID
        self.userID = userID
        self.anonymousID = anonymousID
        self.timestamp = timestamp
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.properties = properties
        self.context = context
    }
}

extension Event {
    /// The two ids an identify or alias event says belong to one person (`distinct_id` and the
    /// anonymous or previous id), or nil for any other event.
    package var linkedIDs: (String, String)? {
        guard type == .identify || type == .alias, let other = anonymousID, other != distinctID else { return nil }
        return (distinctID, other)
    }
}
