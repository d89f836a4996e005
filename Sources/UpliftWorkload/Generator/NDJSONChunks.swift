/// The remaining output of a generator as a sequence of byte chunks of about `targetBytes`
/// each, every chunk ending at a line boundary.
package struct NDJSONChunks: Sequence, IteratorProtocol, Sendable {
    private var generator: EventGenerator
    private let targetBytes: Int

    init(generator: EventGenerator, targetBytes: Int) {
        self.generator = generator
        self.targetBytes = Swift.max(1, targetBytes)
    }

    package mutating func next() -> [UInt8]? {
        var chunk: [UInt8] = []
        return generator.nextChunk(into: &chunk, targetBytes: targetBytes) > 0 ? chunk : nil
    }
}

extension EventGenerator {
    /// The remaining lines in chunks of about `targetBytes` (a copy: this generator is unchanged).
    package func chunks(targetBytes: Int = 1 << 20) -> NDJSONChunks {
        NDJSONChunks(generator: self, targetBytes: targetBytes)
    }
}
