/// A project's short name: 1–63 lowercase letters, digits and dashes, starting with a letter or digit.
/// It names directories on disk, so nothing else is ever allowed through.
package struct ProjectSlug: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let value: String

    package init(_ value: String) throws(UpliftError) {
        let bytes = Array(value.utf8)
        guard (1...63).contains(bytes.count) else {
            throw UpliftError(.invalidInput, "project slug must be 1 to 63 characters long, got \(bytes.count)")
        }
        for (i, b) in bytes.enumerated() {
            let ok =
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || (b == UInt8(ascii: "-") && i > 0)
            guard ok else {
                throw UpliftError(
                    .invalidInput,
                    "project slug may hold only lowercase letters, digits and dashes (not first); character \(i + 1) is not allowed"
                )
            }
        }
        self.value = value
    }

    package var description: String { value }
    package static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
