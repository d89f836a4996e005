import Testing
@testable import UpliftServer

/// The inflater alone: limits, broken input, concatenated members.
struct BoundedInflaterTests {
    @Test func refusesTruncatedInput() {
        #expect(throws: BoundedInflater.Failure.invalid) { try BoundedInflater.inflate([0x1F, 0x8B], limit: 100) }
        let whole = Gzip.compress(Array("hello, world".utf8))
        #expect(throws: BoundedInflater.Failure.invalid) { try BoundedInflater.inflate(Array(whole.dropLast(6)), limit: 100) }
    }

    @Test func inflatesUpToTheLimitExactly() throws {
        let bytes = [UInt8](repeating: 7, count: 1000)
        #expect(try BoundedInflater.inflate(Gzip.compress(bytes), limit: 1000) == bytes)
        #expect(throws: BoundedInflater.Failure.tooLarge) { try BoundedInflater.inflate(Gzip.compress(bytes), limit: 999) }
    }

    @Test func concatenatedMembersAreOneBody() throws {
        let body = Gzip.compress(Array("[1,".utf8)) + Gzip.compress(Array("2]".utf8))
        #expect(try BoundedInflater.inflate(body, limit: 100) == Array("[1,2]".utf8))
    }

    @Test func aBombStopsAtTheLimit() {
        let bomb = Gzip.compress(chunk: [UInt8](repeating: 0, count: 1 << 20), repeats: 256)
        #expect(throws: BoundedInflater.Failure.tooLarge) { try BoundedInflater.inflate(bomb, limit: 5 << 20) }
    }

    @Test func sniffsTheGzipMagic() {
        #expect(BoundedInflater.looksGzipped(Gzip.compress([1, 2, 3])))
        #expect(!BoundedInflater.looksGzipped(Array("{}".utf8)))
        #expect(!BoundedInflater.looksGzipped([0x1F]))
    }
}
