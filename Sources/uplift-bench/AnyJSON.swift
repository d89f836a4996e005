/// Arbitrary JSON for `JSONDecoder`, which has no built-in "any value" type: what a Codable-based
/// ingest path would have to use for `properties` and `context`.
enum AnyJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([AnyJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: AnyJSON].self))
        }
    }
}

/// A Segment message as a Codable ingest path would declare it.
struct CodableSegmentMessage: Decodable {
    var type: String
    var event: String?
    var userId: String?
    var anonymousId: String?
    var messageId: String?
    var timestamp: String?
    var sentAt: String?
    var properties: [String: AnyJSON]?
    var context: [String: AnyJSON]?
}
