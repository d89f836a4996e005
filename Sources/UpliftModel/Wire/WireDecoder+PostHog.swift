/// PostHog's capture format: `{event, distinct_id, properties, timestamp, uuid, $set, $set_once}`.
extension WireDecoder {
    func decodePostHog(_ view: JSONView, _ message: Int, _ f: MessageFields, shared: Shared) throws(Rejection) -> Event
    {
        let name = try eventName(view, f.event)
        let properties = try objectOrNil(view, f.properties, field: "properties")
        // The members of `properties` this dialect reads, in one pass.
        var distinctInProperties: Int?
        var anonDistinctID: Int?
        var alias: Int?
        var insertID: Int?
        if let properties {
            view.forEachMember(properties) { key, value in
                if view.stringEquals(key, "distinct_id") || view.stringEquals(key, "$distinct_id") {
                    distinctInProperties = value
                } else if view.stringEquals(key, "$anon_distinct_id") {
                    anonDistinctID = value
                } else if view.stringEquals(key, "alias") {
                    alias = value
                } else if view.stringEquals(key, "$insert_id") {
                    insertID = value
                }
                return true
            }
        }
        let distinctField = f.distinctId != nil ? "distinct_id" : "properties.distinct_id"
        guard
            let distinctID = try id(
                view, f.distinctId ?? distinctInProperties, field: distinctField,
                invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long")
        else {
            throw Rejection("missing_distinct_id", "the event needs `distinct_id` (top level or in `properties`)")
        }
        let type: EventType
        var userID: String?
        var anonymousID: String?
        switch name {
        case "$identify":
            type = .identify
            userID = distinctID
            anonymousID = try id(
                view, anonDistinctID, field: "properties.$anon_distinct_id",
                invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long")
        case "$create_alias":
            type = .alias
            userID = distinctID
            anonymousID = try id(
                view, alias, field: "properties.alias", invalid: "invalid_distinct_id", tooLong: "distinct_id_too_long")
            guard anonymousID != nil else {
                throw Rejection(
                    "missing_previous_id", "a $create_alias event needs `properties.alias`, the id being linked")
            }
        case "$pageview": type = .page
        case "$screen": type = .screen
        case "$groupidentify": type = .group
        default: type = .track
        }
        let eventID: String?
        if f.uuid != nil {
            eventID = try id(
                view, f.uuid, field: "uuid", invalid: "invalid_event_id", tooLong: "event_id_too_long", numbers: false)
        } else {
            eventID = try id(
                view, insertID, field: "properties.$insert_id", invalid: "invalid_event_id",
                tooLong: "event_id_too_long", numbers: false)
        }

        var extras: [(key: String, value: JSONWriter.Value)] = []
        if let set = try objectOrNil(view, f.set, field: "$set") { extras.append(("$set", .entry(set))) }
        if let once = try objectOrNil(view, f.setOnce, field: "$set_once") {
            extras.append(("$set_once", .entry(once)))
        }

        let client = try time(view, f.timestamp, field: "timestamp")
        let sentAt = try time(view, f.sentAt, field: "sent_at") ?? shared.sentAt
        var when = eventTime(client: client, sentAt: sentAt, receivedAt: shared.receivedAt)
        if client == nil, let offset = f.offset, let ms = view.double(offset), ms.isFinite, abs(ms) < 1e12 {
            // PostHog's `offset`: how many milliseconds before sending the event happened.
            when = shared.receivedAt - Int64(ms * 1_000)
        }
        return Event(
            eventID: eventID ?? hashedID(view, message), type: type, event: name, distinctID: distinctID,
            userID: userID, anonymousID: anonymousID, timestamp: when, sentAt: sentAt,
            receivedAt: shared.receivedAt, properties: objectText(view, [properties], extras: extras),
            context: "{}")
    }
}
