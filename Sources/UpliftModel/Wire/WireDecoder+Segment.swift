/// Segment's spec: track, identify, page, screen, group, alias.
extension WireDecoder {
    func decodeSegment(_ view: JSONView, _ message: Int, _ f: MessageFields, shared: Shared) throws(Rejection) -> Event
    {
        let typeName = f.type.flatMap { view.string($0) } ?? (f.type == nil ? impliedType?.rawValue : nil)
        guard let typeName, let type = EventType(rawValue: typeName) else {
            throw Rejection(
                "unknown_type", "`type` must be one of track, identify, page, screen, group, alias")
        }
        let userID = try id(
            view, f.userId, field: "userId", invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long")
        let anonymousID = try id(
            view, f.anonymousId, field: "anonymousId", invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long")
        guard let distinctID = userID ?? anonymousID else {
            throw Rejection("missing_distinct_id", "the message needs `userId` or `anonymousId`")
        }
        let name: String
        switch type {
        case .track: name = try eventName(view, f.event)
        case .page: name = "$pageview"
        case .screen: name = "$screen"
        case .identify: name = "$identify"
        case .group: name = "$groupidentify"
        case .alias: name = "$create_alias"
        }
        var linkedID = anonymousID
        if type == .alias {
            linkedID = try id(
                view, f.previousId, field: "previousId", invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long"
            )
            guard linkedID != nil else {
                throw Rejection("missing_previous_id", "an alias message needs `previousId`, the id being linked")
            }
        }
        let eventID = try id(
            view, f.messageId, field: "messageId", invalid: "invalid_event_id", tooLong: "event_id_too_long",
            numbers: false)

        let properties = try objectOrNil(view, f.properties, field: "properties")
        let context = try objectOrNil(view, f.context, field: "context")
        let traits = try objectOrNil(view, f.traits, field: "traits")
        var extras: [(key: String, value: JSONWriter.Value)] = []
        if type == .page || type == .screen, let n = f.name, view.kind(n) == .string {
            extras.append(("name", .entry(n)))
        }
        if type == .group, let g = f.groupId, view.kind(g) == .string || view.kind(g) == .number {
            extras.append(("$group_id", .entry(g)))
        }
        if type == .identify || type == .group, let traits {
            extras.append(("$set", .entry(traits)))
        }

        var client = try time(view, f.timestamp, field: "timestamp")
        if client == nil { client = try time(view, f.originalTimestamp, field: "originalTimestamp") }
        let sentAt = try time(view, f.sentAt, field: "sentAt") ?? shared.sentAt
        // A replayed message may carry the time it was first received: the only receive time that
        // says anything about the client's clock, and the one to store. In a Segment export, where
        // `originalTimestamp` is the client's time, `timestamp` is already corrected.
        var receivedAt = shared.receivedAt
        var correct = correctsClockSkew
        if !correctsClockSkew, let recorded = try time(view, f.receivedAt, field: "receivedAt") {
            receivedAt = recorded
            correct = !(f.timestamp != nil && f.originalTimestamp != nil)
        }

        return Event(
            eventID: eventID ?? hashedID(view, message), type: type, event: name, distinctID: distinctID,
            userID: userID, anonymousID: linkedID,
            timestamp: eventTime(client: client, sentAt: sentAt, receivedAt: receivedAt, corrects: correct),
            sentAt: sentAt, receivedAt: receivedAt,
            properties: objectText(view, [properties], extras: extras),
            context: objectText(view, [shared.context, context]))
    }
}
