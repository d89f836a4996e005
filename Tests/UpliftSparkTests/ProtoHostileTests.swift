import Testing
import UpliftModel
import UpliftSpark

/// The response fixtures cut and damaged: every decoder refuses with `.corrupt` or reads something,
/// and never crashes.
@Suite struct ProtoHostileTests {
    /// Where each top-level field of a message ends.
    static func fieldEnds(_ bytes: [UInt8]) throws -> Set<Int> {
        var reader = ProtoReader(bytes, context: "fixture")
        var ends: Set<Int> = [0]
        while try reader.next() != nil { ends.insert(reader.offset) }
        return ends
    }

    /// A cut inside a field always fails; a cut between two top-level fields is a shorter valid
    /// message (protobuf has no end marker: gRPC's framing carries the length), and decodes.
    @Test(arguments: ConnectFixture.responseNames)
    func everyTruncation(_ name: String) throws {
        let bytes = ConnectFixture.response(name)
        try #require(bytes.count > 100)
        let ends = try Self.fieldEnds(bytes)
        var refused = 0
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            if ends.contains(length) {
                #expect(throws: Never.self, "cut at \(length) of \(name) is between fields") {
                    try ConnectFixture.decode(name, prefix)
                }
            } else {
                let error = #expect(throws: UpliftError.self, "cut at \(length) of \(name)") {
                    try ConnectFixture.decode(name, prefix)
                }
                #expect(error?.code == .corrupt)
                refused += 1
            }
        }
        #expect(refused == bytes.count - (ends.count - 1))
        #expect(refused > bytes.count * 9 / 10)
    }

    /// Seeded byte changes anywhere in each fixture: either `.corrupt` or a decoded message.
    @Test(arguments: ConnectFixture.responseNames)
    func randomDamage(_ name: String) throws {
        let bytes = ConnectFixture.response(name)
        var random = ProtoTestRandom(seed: UInt64(name.utf8.count) &* 7919)
        var refused = 0
        let rounds = 1500
        for _ in 0..<rounds {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<damaged.count, using: &random)
                if Bool.random(using: &random) {
                    damaged[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                } else {
                    damaged[index] = UInt8.random(in: 0...255, using: &random)
                }
            }
            do {
                try ConnectFixture.decode(name, damaged)
            } catch {
                #expect(error.code == .corrupt)
                refused += 1
            }
        }
        // Damage is mostly in payload bytes that stay valid, but some must hit keys and lengths.
        #expect(refused > 0)
        #expect(refused < rounds)
    }

    @Test func randomBytes() {
        var random = ProtoTestRandom(seed: 42)
        var refused = 0
        for round in 0..<3000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let name = ConnectFixture.responseNames[round % ConnectFixture.responseNames.count]
            do {
                try ConnectFixture.decode(name, bytes)
            } catch {
                #expect(error.code == .corrupt)
                refused += 1
            }
        }
        #expect(refused > 1000)
    }
}
