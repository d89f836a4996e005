/// Limits applied to every decoded message. Defaults follow the ingestion API's documented limits.
public struct WireLimits: Sendable, Hashable {
    /// Longest event name, in UTF-8 bytes.
    public var maxEventNameBytes: Int
    /// Longest distinct id, user id, anonymous id or event id, in UTF-8 bytes.
    public var maxIDBytes: Int
    /// Largest single message, in bytes of its JSON text.
    public var maxEventBytes: Int
    /// Deepest nesting of objects and arrays inside one message (the message object is level 1).
    public var maxDepth: Int
    /// Most messages in one batch.
    public var maxBatchMessages: Int
    /// How far after the receive time a corrected event time may lie before it is clamped.
    public var maxFutureMicros: Int64

    public init(
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
