import UpliftParquet

/// String values as UTF-8 byte slices of one buffer (value i is `bytes[offsets[i] ..< offsets[i + 1]]`):
/// what a segment's string column chunk holds once inflated, read without making a `String` per value.
package struct StringBytes: Sendable {
    fileprivate let values: ByteArrays

    init(values: ByteArrays) {
        self.values = values
    }

    /// Values built from strings (tests, and callers that hold strings already).
    package init(_ strings: some Sequence<String>) {
        values = ByteArrays(strings)
    }

    package var count: Int { values.count }

    /// Value `index` decoded as UTF-8 (an invalid sequence is repaired, as `String(decoding:)` does).
    package func string(at index: Int) -> String { values.string(at: index) }

    /// Every value as a `String`.
    package func strings() -> [String] { (0..<values.count).map { values.string(at: $0) } }

    /// Calls `body` with the value bytes and the `count + 1` offsets into them.
    package func withUnsafeSlices<R, E: Error>(
        _ body: (_ bytes: UnsafeRawBufferPointer, _ offsets: UnsafeBufferPointer<Int32>) throws(E) -> R
    ) throws(E) -> R {
        let result: Result<R, E> = values.bytes.withUnsafeBytes { bytes in
            values.offsets.withUnsafeBufferPointer { offsets in
                Result { () throws(E) in try body(bytes, offsets) }
            }
        }
        return try result.get()
    }
}
