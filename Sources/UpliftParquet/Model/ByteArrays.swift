/// A column of byte strings stored Arrow style: one contiguous byte buffer and `count + 1` offsets,
/// so a million strings cost two allocations instead of a million.
package struct ByteArrays: Sendable, Hashable {
    /// `offsets[i] ..< offsets[i + 1]` is the range of value `i` in `bytes`; `offsets[0] == 0`.
    package private(set) var offsets: [Int32]
    package private(set) var bytes: [UInt8]

    package init() {
        offsets = [0]
        bytes = []
    }

    /// Wraps existing buffers after checking that the offsets start at 0, never decrease and end at `bytes.count`.
    package init(offsets: [Int32], bytes: [UInt8]) throws(ParquetError) {
        guard let first = offsets.first, first == 0, Int(offsets[offsets.count - 1]) == bytes.count else {
            throw ParquetError(.invalidInput, "byte array offsets must start at 0 and end at the byte count")
        }
        var previous: Int32 = 0
        for offset in offsets {
            guard offset >= previous else {
                throw ParquetError(.invalidInput, "byte array offsets must never decrease")
            }
            previous = offset
        }
        self.offsets = offsets
        self.bytes = bytes
    }

    /// Trusted construction for the reader, which has already validated every offset.
    init(validatedOffsets offsets: [Int32], bytes: [UInt8]) {
        self.offsets = offsets
        self.bytes = bytes
    }

    package init(_ strings: some Sequence<String>) {
        self.init()
        for string in strings { append(string) }
    }

    package var count: Int { offsets.count - 1 }

    package mutating func reserveCapacity(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(byteCount)
    }

    package mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append(contentsOf: $0) }
    }

    package mutating func append(contentsOf value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends an empty value (the slot of a null).
    package mutating func appendEmpty() {
        offsets.append(offsets[offsets.count - 1])
    }

    package subscript(index: Int) -> ArraySlice<UInt8> {
        bytes[Int(offsets[index])..<Int(offsets[index + 1])]
    }

    /// Value `index` decoded as UTF-8 (invalid sequences are repaired, never trapped on).
    package func string(at index: Int) -> String {
        let start = Int(offsets[index])
        let end = Int(offsets[index + 1])
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
        }
    }

    /// Length in bytes of value `index`.
    package func length(at index: Int) -> Int {
        Int(offsets[index + 1] &- offsets[index])
    }
}
