/// Limits applied to every decoded message. Defaults follow the ingestion API's documented limits.
package struct WireLimits: Sendable, Hashable {
    /// Longest event name, in UTF-8 bytes.
    package var maxEventNameBytes: Int
    /// Longest distinct id, user id, anonymous id or event id, in UTF-8 bytes.
    package var maxIDBytes: Int
    /// Largest single message, in bytes of its JSON text.
    package var maxEventBytes: Int
    /// Deepest nesting of objects and arrays inside one message (the message object is level 1).
    package var maxDepth: Int
    /// Most messages in one batch.
    package var maxBatchMessages: Int
    /// How far after the receive time a corrected event time may lie before it is clamped.
    package var maxFutureMicros: Int64

    package init(
        maxEventNameBytes: Int = 200, maxIDBytes: Int = 200, maxEventBytes: Int = 32 * 1024,
        maxDepth: Int = 32, maxBatchMessages: Int = 2_500, maxFutureMicros: Int64 = 23 * 3_600_000_000
    ) {
        self.maxEventNameBytes = maxEventNameBytes
        self.maxIDBytes = maxIDBytes
        self.maxEventBytes = maxEventBytes
        self.maxDepth = maxDepth
        self.maxBatchMessages = maxBatchMessages
        self.maxFutureMicros = maxFutureMicros
    }
}
