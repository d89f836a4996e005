/// The kind of one JSON value on a tape.
package enum JSONKind: UInt8, Sendable {
    case null, `true`, `false`, number, string, array, object
}

/// One value on a tape: a flat, index-addressed record pointing into the input bytes.
///
/// The tape is the parser's only output. It holds no decoded strings, so parsing allocates one array
/// per document; strings are decoded (or copied raw) only when a caller asks for them.
package struct JSONEntry: Sendable, Hashable {
    package var kind: JSONKind
    /// Strings: the text contains a backslash escape. Containers: no whitespace inside, so the raw
    /// bytes already are the compact serialisation.
    package var flag: Bool
    /// Strings: first byte after the opening quote. Others: first byte of the value.
    package var start: UInt32
    /// Strings: the closing quote. Others: one past the last byte.
    package var end: UInt32
    /// Index of the entry that follows this value and everything inside it (its next sibling).
    package var next: UInt32
    /// Containers: number of elements (arrays) or members (objects). Scalars: 0.
    package var count: UInt32
}

/// The parsed form of one JSON text: entries in document order. Object members are stored as
/// key entry (a string) followed by the value's entries.
package struct JSONTape: Sendable, Hashable {
    package var entries: [JSONEntry]
    /// The deepest container nesting seen (a top-level object is depth 1).
    package var deepest: Int

    package init(entries: [JSONEntry] = [], deepest: Int = 0) {
        self.entries = entries
        self.deepest = deepest
    }
}
