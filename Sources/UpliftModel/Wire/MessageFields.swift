/// The tape indices of the members of one message that either dialect reads, found in one pass
/// over the message's members (no dictionary, no decoded names).
struct MessageFields {
    var type: Int?
    var event: Int?
    var userId: Int?
    var anonymousId: Int?
    var messageId: Int?
    var timestamp: Int?
    var originalTimestamp: Int?
    var sentAt: Int?
    var receivedAt: Int?
    var properties: Int?
    var context: Int?
    var traits: Int?
    var name: Int?
    var groupId: Int?
    var previousId: Int?
    var distinctId: Int?
    var uuid: Int?
    var set: Int?
    var setOnce: Int?
    var offset: Int?
    var writeKey: Int?

    init(_ view: JSONView, _ object: Int) {
        view.forEachMember(object) { key, value in
            let e = view[key]
            // Dispatch on the first byte so that most names are compared against one or two candidates.
            let first = e.end > e.start ? view.bytes[Int(e.start)] : 0
            switch first {
            case UInt8(ascii: "t"):
                if view.stringEquals(key, "type") {
                    type = value
                } else if view.stringEquals(key, "timestamp") {
                    timestamp = value
                } else if view.stringEquals(key, "traits") {
                    traits = value
                } else if view.stringEquals(key, "token") {
                    writeKey = value
                }
            case UInt8(ascii: "e"):
                if view.stringEquals(key, "event") { event = value }
            case UInt8(ascii: "u"):
                if view.stringEquals(key, "userId") {
                    userId = value
                } else if view.stringEquals(key, "uuid") {
                    uuid = value
                }
            case UInt8(ascii: "a"):
                if view.stringEquals(key, "anonymousId") {
                    anonymousId = value
                } else if view.stringEquals(key, "api_key") {
                    writeKey = value
                }
            case UInt8(ascii: "m"):
                if view.stringEquals(key, "messageId") { messageId = value }
            case UInt8(ascii: "o"):
                if view.stringEquals(key, "originalTimestamp") {
                    originalTimestamp = value
                } else if view.stringEquals(key, "offset") {
                    offset = value
                }
            case UInt8(ascii: "s"):
                if view.stringEquals(key, "sentAt") || view.stringEquals(key, "sent_at") { sentAt = value }
            case UInt8(ascii: "r"):
                if view.stringEquals(key, "receivedAt") { receivedAt = value }
            case UInt8(ascii: "p"):
                if view.stringEquals(key, "properties") {
                    properties = value
                } else if view.stringEquals(key, "previousId") {
                    previousId = value
                }
            case UInt8(ascii: "c"):
                if view.stringEquals(key, "context") { context = value }
            case UInt8(ascii: "n"):
                if view.stringEquals(key, "name") { name = value }
            case UInt8(ascii: "g"):
                if view.stringEquals(key, "groupId") { groupId = value }
            case UInt8(ascii: "d"):
                if view.stringEquals(key, "distinct_id") { distinctId = value }
            case UInt8(ascii: "w"):
                if view.stringEquals(key, "writeKey") { writeKey = value }
            case UInt8(ascii: "$"):
                if view.stringEquals(key, "$set") {
                    set = value
                } else if view.stringEquals(key, "$set_once") {
                    setOnce = value
                } else if view.stringEquals(key, "$token") {
                    writeKey = value
                }
            case UInt8(ascii: "\\"):
                // An escaped name: rare, so take the slow exact path for every candidate.
                self = MessageFields.slow(view, object)
                return false
            default:
                break
            }
            return true
        }
    }

    private init() {}

    /// The same scan comparing decoded names, for messages whose member names use escapes.
    private static func slow(_ view: JSONView, _ object: Int) -> MessageFields {
        var f = MessageFields()
        view.forEachMember(object) { key, value in
            switch view.string(key) ?? "" {
            case "type": f.type = value
            case "timestamp": f.timestamp = value
            case "traits": f.traits = value
            case "event": f.event = value
            case "userId": f.userId = value
            case "uuid": f.uuid = value
            case "anonymousId": f.anonymousId = value
            case "messageId": f.messageId = value
            case "originalTimestamp": f.originalTimestamp = value
            case "offset": f.offset = value
            case "sentAt", "sent_at": f.sentAt = value
            case "receivedAt": f.receivedAt = value
            case "properties": f.properties = value
            case "previousId": f.previousId = value
            case "context": f.context = value
            case "name": f.name = value
            case "groupId": f.groupId = value
            case "distinct_id": f.distinctId = value
            case "writeKey", "api_key", "token", "$token": f.writeKey = value
            case "$set": f.set = value
            case "$set_once": f.setOnce = value
            default: break
            }
            return true
        }
        return f
    }
}
