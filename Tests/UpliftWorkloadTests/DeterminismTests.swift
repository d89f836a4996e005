import Testing
import UpliftWorkload

@Suite struct DeterminismTests {
    @Test func sameParametersGiveIdenticalBytes() throws {
        let config = GeneratorConfig(events: 20_000, users: 500, days: 10, seed: 99)
        let a = try EventGenerator.generateAll(config)
        let b = try EventGenerator.generateAll(config)
        #expect(a == b)
        #expect(!a.isEmpty)
    }

    @Test func otherSeedsAndDialectsDiffer() throws {
        let base = GeneratorConfig(events: 5_000, users: 200, days: 5, seed: 1)
        let reference = try EventGenerator.generateAll(base)
        var reseeded = base
        reseeded.seed = 2
        var segment = base
        segment.dialect = .segment
        #expect(try EventGenerator.generateAll(reseeded) != reference)
        #expect(try EventGenerator.generateAll(segment) != reference)
    }

    @Test(arguments: [
        (0, 10, 1), (1, 10, 1), (7, 1_000, 1), (100, 3, 30), (1_000, 1, 30),
        (5_000, 100_000, 2), (12_345, 300, 7), (40_000, 2_000, 60),
    ])
    func producesExactlyTheRequestedNumberOfLines(events: Int, users: Int, days: Int) throws {
        let config = GeneratorConfig(events: events, users: users, days: days, seed: 5)
        let bytes = try EventGenerator.generateAll(config)
        #expect(bytes.count(where: { $0 == 10 }) == events)
        #expect(bytes.last == (events == 0 ? nil : 10))
    }

    @Test func chunksConcatenateToTheWholeOutput() throws {
        let config = GeneratorConfig(events: 8_000, users: 300, days: 4, seed: 11)
        let whole = try EventGenerator.generateAll(config)
        var generator = try EventGenerator(config)
        var joined: [UInt8] = []
        var chunk: [UInt8] = []
        var lines = 0
        var chunks = 0
        while case let count = generator.nextChunk(into: &chunk, targetBytes: 64 * 1024), count > 0 {
            #expect(chunk.last == 10)
            joined += chunk
            chunk.removeAll(keepingCapacity: true)
            lines += count
            chunks += 1
        }
        #expect(joined == whole)
        #expect(lines == 8_000)
        #expect(chunks > 10)
        #expect(generator.emitted == 8_000)
        let more = generator.next(into: &chunk)
        #expect(!more)
    }

    @Test func chunkSequenceCoversEverythingOnLineBoundaries() throws {
        let config = GeneratorConfig(events: 3_000, users: 100, days: 3, seed: 12)
        let chunks = Array(try EventGenerator(config).chunks(targetBytes: 50_000))
        #expect(chunks.count > 5)
        #expect(chunks.allSatisfy { $0.last == 10 && $0.count >= 50_000 || $0 == chunks.last })
        #expect(Array(chunks.joined()) == (try EventGenerator.generateAll(config)))
    }
}
