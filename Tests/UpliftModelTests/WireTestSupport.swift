import Testing

@testable import UpliftModel

/// 2024-05-01T12:00:00Z, the receive time used by the wire tests.
let receivedAt: Int64 = 1_714_564_800_000_000
let minute: Int64 = 60_000_000
let hour: Int64 = 60 * minute

func decode(_ text: String, limits: WireLimits = WireLimits(), at time: Int64 = receivedAt) -> DecodeResult {
    WireDecoder(limits: limits).decode(Array(text.utf8), receivedAt: time)
}

/// Decodes a body that must yield exactly one event.
func single(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Event {
    let result = decode(text)
    #expect(result.rejections.isEmpty, "\(result.rejections)", sourceLocation: sourceLocation)
    #expect(result.bodyRejection == nil, sourceLocation: sourceLocation)
    return try #require(result.events.first, sourceLocation: sourceLocation)
}

/// The single rejection code a body yields (per-message or body-level).
func rejectionCode(_ text: String, limits: WireLimits = WireLimits()) -> String? {
    let result = decode(text, limits: limits)
    if let body = result.bodyRejection { return body.code }
    #expect(result.events.isEmpty)
    return result.rejections.first?.reason.code
}

/// JSON texts compare as values (member order and spacing do not matter).
func json(_ text: String) -> JSONValue? {
    try? JSONValue(parsing: Array(text.utf8))
}
