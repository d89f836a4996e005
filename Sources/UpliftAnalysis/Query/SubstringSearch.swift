/// A `contains` test in time linear in the text: Knuth–Morris–Pratt over UTF-8 bytes, with the
/// needle's failure table computed once per query, not per row. A value of n bytes and a needle of
/// m bytes cost O(n + m) whatever their shape (the library's `String.contains` compares Characters
/// and, on `aaa…a` against `aaa…ab`, costs n × m: minutes for one row of planted values).
///
/// Matching is on bytes, so on Unicode scalars (UTF-8 is self-synchronizing): case-sensitive, as
/// before, with no canonical equivalence (a precomposed `é` and `e` + U+0301 differ). An empty
/// needle matches nothing, as before.
package struct SubstringSearch: Sendable, Hashable {
    private let needle: [UInt8]
    /// `failure[i]`: the length of the longest proper prefix of `needle[0...i]` that is also its suffix.
    private let failure: [Int32]

    package init(_ needle: String) {
        let bytes = Array(needle.utf8)
        var failure = [Int32](repeating: 0, count: bytes.count)
        var k = 0
        for i in bytes.indices.dropFirst() {
            while k > 0 && bytes[i] != bytes[k] { k = Int(failure[k - 1]) }
            if bytes[i] == bytes[k] { k += 1 }
            failure[i] = Int32(k)
        }
        self.needle = bytes
        self.failure = failure
    }

    /// Whether the needle occurs in `text`.
    package func occurs(in text: String) -> Bool {
        guard !needle.isEmpty, text.utf8.count >= needle.count else { return false }
        if let found = text.utf8.withContiguousStorageIfAvailable({ occurs(in: $0) }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { occurs(in: $0) }
    }

    /// Whether the needle occurs in `text` (bytes).
    package func occurs(in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty, text.count >= needle.count else { return false }
        return needle.withUnsafeBufferPointer { needle in
            failure.withUnsafeBufferPointer { failure in
                let m = needle.count
                var k = 0
                for byte in text {
                    while k > 0 && byte != needle[k] { k = Int(failure[k - 1]) }
                    if byte == needle[k] {
                        k += 1
                        if k == m { return true }
                    }
                }
                return false
            }
        }
    }
}
