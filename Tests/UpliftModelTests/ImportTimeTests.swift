import Testing
import UpliftModel

/// How times are read when replaying history (`correctsClockSkew = false`, as `uplift import` does).
struct ImportTimeTests {
    let importTime = Timestamp.parse("2026-11-24T12:00:00Z")!
    var decoder: WireDecoder {
        var d = WireDecoder()
        d.correctsClockSkew = false
        return d
    }

    func decode(_ json: String) throws -> Event {
        let result = decoder.decode(Array(json.utf8), receivedAt: importTime)
        #expect(result.rejections.isEmpty && result.bodyRejection == nil)
        return try #require(result.events.first)
    }

    @Test func withoutAReceiveTimeTheClientTimeStands() throws {
        let e = try decode(
            #"{"type":"track","event":"e","userId":"u","timestamp":"2026-01-01T10:00:00Z","sentAt":"2026-01-01T10:05:00Z"}"#
        )
        #expect(e.timestamp == Timestamp.parse("2026-01-01T10:00:00Z"))
        #expect(e.receivedAt == importTime)
    }

    @Test func aRecordedReceiveTimeCorrectsTheClientClockAndIsStored() throws {
        // The client's clock ran 5 minutes ahead: sent "10:05" but received at 10:00.
        let e = try decode(
            #"{"type":"track","event":"e","userId":"u","timestamp":"2026-01-01T10:04:00Z","sentAt":"2026-01-01T10:05:00Z","receivedAt":"2026-01-01T10:00:00Z"}"#
        )
        #expect(e.timestamp == Timestamp.parse("2026-01-01T09:59:00Z"))
        #expect(e.receivedAt == Timestamp.parse("2026-01-01T10:00:00Z"))
    }

    @Test func aSegmentExportsTimestampIsAlreadyCorrected() throws {
        let e = try decode(
            #"{"type":"track","event":"e","userId":"u","originalTimestamp":"2026-01-01T10:04:00Z","timestamp":"2026-01-01T09:59:00Z","sentAt":"2026-01-01T10:05:00Z","receivedAt":"2026-01-01T10:00:00Z"}"#
        )
        #expect(e.timestamp == Timestamp.parse("2026-01-01T09:59:00Z"))
    }

    @Test func liveIngestionIgnoresAClaimedReceiveTime() throws {
        let live = WireDecoder().decode(
            Array(
                #"{"type":"track","event":"e","userId":"u","timestamp":"2026-11-24T11:59:00Z","sentAt":"2026-11-24T12:00:00Z","receivedAt":"2020-01-01T00:00:00Z"}"#
                    .utf8), receivedAt: importTime)
        #expect(live.events.first?.receivedAt == importTime)
        #expect(live.events.first?.timestamp == Timestamp.parse("2026-11-24T11:59:00Z"))
    }
}
