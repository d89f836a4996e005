import Testing
import UpliftModel

@testable import UpliftServer

/// The inflater alone: limits, broken input, concatenated members.
struct BoundedInflaterTests {
    @Test func refusesTruncatedInput() {
        expect(refuses: .invalidGzip) { () throws(UpliftError) in
            try BoundedInflater.inflate([0x1F, 0x8B], limit: 100)
        }
        let whole = Gzip.compress(Array("hello, world".utf8))
        expect(refuses: .invalidGzip) { () throws(UpliftError) in
            try BoundedInflater.inflate(Array(whole.dropLast(6)), limit: 100)
        }
    }

    @Test func inflatesUpToTheLimitExactly() throws {
        let bytes = [UInt8](repeating: 7, count: 1000)
        #expect(try BoundedInflater.inflate(Gzip.compress(bytes), limit: 1000) == bytes)
        expect(refuses: .bodyTooLarge) { () throws(UpliftError) in
            try BoundedInflater.inflate(Gzip.compress(bytes), limit: 999)
        }
    }

    @Test func concatenatedMembersAreOneBody() throws {
        let body = Gzip.compress(Array("[1,".utf8)) + Gzip.compress(Array("2]".utf8))
        #expect(try BoundedInflater.inflate(body, limit: 100) == Array("[1,2]".utf8))
    }

    @Test func aBombStopsAtTheLimit() {
        let bomb = Gzip.compress(chunk: [UInt8](repeating: 0, count: 1 << 20), repeats: 256)
        expect(refuses: .bodyTooLarge) { () throws(UpliftError) in
            try BoundedInflater.inflate(bomb, limit: 5 << 20)
        }
    }

    @Test func sniffsTheGzipMagic() {
        #expect(BoundedInflater.looksGzipped(Gzip.compress([1, 2, 3])))
        #expect(!BoundedInflater.looksGzipped(Array("{}".utf8)))
        #expect(!BoundedInflater.looksGzipped([0x1F]))
    }
}

/// The inflater's refusal is the API's: the code the answer carries and a message saying what to send.
private func expect(
    refuses code: UpliftError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(UpliftError) -> [UInt8]
) {
    do {
        let bytes = try body()
        Issue.record("inflated \(bytes.count) bytes instead of refusing with \(code)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.message.contains("send"), sourceLocation: sourceLocation)
    }
}
