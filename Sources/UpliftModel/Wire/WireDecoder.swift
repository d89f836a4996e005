/// Decodes request bodies of both wire dialects, Segment and PostHog, into `Event` records.
///
/// Accepted bodies: one message (an object), a Segment or PostHog batch
/// (`{"batch":[…], "context":…, "sentAt"|"sent_at":…, "writeKey"|"api_key":…}`), or a PostHog
/// array of events. The dialect is detected per message: a `type` member means Segment, otherwise
/// an `event` or `distinct_id` member means PostHog.
///
/// Event ids: the client's `messageId` (Segment), `uuid` or `properties.$insert_id` (PostHog).
/// Without one, the id is `h-` followed by the 128-bit MurmurHash3 (x64, seed 0) of the message's
/// exact JSON bytes in hex, so that a resent or re-imported message gets the same id and is
/// stored once. (Two genuinely distinct messages with identical bytes collapse into one; a client
/// that can send such messages must send ids.)
///
/// Times: the event time is the client time corrected for clock skew,
/// `timestamp − (sentAt − receivedAt)`, or the client time when `sentAt` is absent, or the receive
/// time when both are; a result more than `limits.maxFutureMicros` after the receive time is
/// clamped to the receive time and counted in `DecodeResult.clampedCount`.
package struct WireDecoder: Sendable {
    package var limits: WireLimits
    /// Whether `sentAt` corrects the client clock against the receive time. Live ingestion does.
    /// An import of old messages must not (they were sent long before they are read), except against
    /// a Segment message's own `receivedAt`, which exports carry and which is then stored as the
    /// receive time.
    package var correctsClockSkew = true
    /// The Segment type a message without a `type` member has: Segment's single-message endpoints
    /// (`/v1/track`, `/v1/identify`, …) take the type from the path.
    package var impliedType: EventType?

    package init(limits: WireLimits = WireLimits()) {
        self.limits = limits
    }

    /// Decodes one body (or one NDJSON line) received at `receivedAt` (µs since the epoch).
    package func decode(_ bytes: [UInt8], receivedAt: Int64) -> DecodeResult {
        bytes.withUnsafeBytes { decode($0, receivedAt: receivedAt) }
    }

    /// Decodes one body (or one NDJSON line) from borrowed bytes; nothing refers to them afterwards.
    package func decode(_ bytes: UnsafeRawBufferPointer, receivedAt: Int64) -> DecodeResult {
        var result = DecodeResult()
        let tape: JSONTape
        do {
            // Generous, so that one deep message in a batch is rejected alone (checked per message);
            // only absurd nesting refuses the whole body. Two extra levels: batch object and array.
            tape = try JSONParser.parse(bytes, maxDepth: limits.maxDepth * 2 + 2)
        } catch {
            result.bodyRejection = Rejection(error.code.description, "the body is not valid JSON: \(error.message)")
            return result
        }
        let view = JSONView(bytes: bytes, tape: tape)
        switch view.kind(0) {
        case .array:
            decodeBatch(view, array: 0, shared: Shared(receivedAt: receivedAt), levelsAbove: 1, into: &result)
            if result.writeKey == nil, view[0].count > 0 {
                result.writeKey = writeKey(view, message: 1)
            }
        case .object:
            if let batch = view.member(0, "batch") {
                guard view.kind(batch) == .array else {
                    result.bodyRejection = Rejection("invalid_body", "`batch` must be an array of messages")
                    return result
                }
                var shared = Shared(receivedAt: receivedAt)
                do {
                    shared.context = try objectOrNil(view, view.member(0, "context"), field: "context")
                    if let context = shared.context { try checkNumbers(view, context, field: "context") }
                    if let sent = view.member(0, "sentAt") ?? view.member(0, "sent_at") {
                        shared.sentAt = try time(view, sent, field: "sentAt")
                    }
                } catch {
                    result.bodyRejection = error
                    return result
                }
                result.writeKey = writeKey(view, message: 0)
                decodeBatch(view, array: batch, shared: shared, levelsAbove: 2, into: &result)
            } else {
                result.messageCount = 1
                result.writeKey = writeKey(view, message: 0)
                decodeOne(
                    view, 0, index: 0, shared: Shared(receivedAt: receivedAt),
                    checkDepth: view.tape.deepest > limits.maxDepth, into: &result)
            }
        default:
            result.bodyRejection = Rejection(
                "invalid_body", "the body must be a JSON object (one message or a batch) or an array of messages")
        }
        return result
    }

    /// What the messages of one body share: the receive time and a batch's context and sentAt.
    struct Shared {
        var receivedAt: Int64
        var context: Int?
        var sentAt: Int64?
    }

    func decodeBatch(_ view: JSONView, array: Int, shared: Shared, levelsAbove: Int, into result: inout DecodeResult) {
        let count = Int(view[array].count)
        guard count <= limits.maxBatchMessages else {
            result.bodyRejection = Rejection(
                "batch_too_large",
                "the batch has \(count) messages; send at most \(limits.maxBatchMessages) per request")
            return
        }
        result.messageCount = count
        result.events.reserveCapacity(count)
        // Depth is only measured per message when something in the body is deep enough to matter.
        let checkDepth = view.tape.deepest - levelsAbove > limits.maxDepth
        var index = 0
        view.forEachElement(array) { element in
            decodeOne(view, element, index: index, shared: shared, checkDepth: checkDepth, into: &result)
            index += 1
        }
    }

    func decodeOne(
        _ view: JSONView, _ message: Int, index: Int, shared: Shared, checkDepth: Bool, into result: inout DecodeResult
    ) {
        do throws(Rejection) {
            var event = try decodeMessage(view, message, shared: shared, checkDepth: checkDepth)
            guard event.timestamp >= 0 else {
                throw Rejection(
                    "invalid_timestamp",
                    "the event time corrected by `sentAt` falls before 1970; check `timestamp` and `sentAt`")
            }
            if event.timestamp > shared.receivedAt + limits.maxFutureMicros {
                event.timestamp = shared.receivedAt
                result.clampedCount += 1
            }
            result.events.append(event)
        } catch {
            result.rejections.append(RejectedMessage(index: index, reason: error))
        }
    }

    func decodeMessage(_ view: JSONView, _ message: Int, shared: Shared, checkDepth: Bool) throws(Rejection) -> Event {
        let entry = view[message]
        guard entry.kind == .object else {
            throw Rejection("invalid_message", "each message must be a JSON object")
        }
        let size = Int(entry.end - entry.start)
        guard size <= limits.maxEventBytes else {
            throw Rejection(
                "event_too_large",
                "the message is \(size) bytes; one event may be at most \(limits.maxEventBytes) bytes")
        }
        if checkDepth, view.depth(message) > limits.maxDepth {
            throw Rejection("nesting_too_deep", "the message nests deeper than \(limits.maxDepth) levels; flatten it")
        }
        try checkNumbers(view, message)
        let fields = MessageFields(view, message)
        if fields.type != nil || impliedType != nil {
            return try decodeSegment(view, message, fields, shared: shared)
        }
        if fields.event != nil || fields.distinctId != nil {
            return try decodePostHog(view, message, fields, shared: shared)
        }
        throw Rejection(
            "unknown_type", "the message has neither `type` (Segment) nor `event` (PostHog); send one of them")
    }

    /// The corrected event time (before clamping).
    func eventTime(client: Int64?, sentAt: Int64?, receivedAt: Int64, corrects: Bool? = nil) -> Int64 {
        guard let client else { return receivedAt }
        guard let sentAt, corrects ?? correctsClockSkew else { return client }
        return client - (sentAt - receivedAt)
    }

    func writeKey(_ view: JSONView, message: Int) -> String? {
        guard view.kind(message) == .object else { return nil }
        let fields = MessageFields(view, message)
        if let key = fields.writeKey, let s = view.string(key) { return s }
        if let properties = fields.properties,
            let key = view.member(properties, "token") ?? view.member(properties, "$token"),
            let s = view.string(key)
        {
            return s
        }
        return nil
    }
}
