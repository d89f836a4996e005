package import UpliftModel

/// The distinct top-level keys of the `properties` and of the `context` objects of a segment's
/// events. The writer lists them in the footer (`uplift.property_keys`, `uplift.context_keys`: a
/// JSON array of strings, sorted by their UTF-8 bytes), so that a question naming a property the project never had can
/// say so from the footers instead of parsing every event's JSON.
///
/// A list is bounded: keys longer than `maxKeyBytes` are never listed, and after `maxKeys`
/// distinct keys the rest are left out and the list is marked truncated
/// (`uplift.property_keys_truncated: true`). A reader rules a name out only when the list is
/// complete for it (`rulesOut`).
package struct SegmentKeys: Sendable, Equatable {
    /// The keys of one JSON column.
    package struct Column: Sendable, Equatable {
        package var keys: Set<String>
        /// Some keys were left out (more than `maxKeys`, or a text that was not a JSON object).
        package var truncated: Bool

        package init(keys: Set<String> = [], truncated: Bool = false) {
            self.keys = keys
            self.truncated = truncated
        }

        /// Whether no event of the segment can have `key`: the list is complete and does not hold it.
        package func rulesOut(_ key: String) -> Bool {
            !truncated && key.utf8.count <= SegmentKeys.maxKeyBytes && !keys.contains(key)
        }
    }

    package static let maxKeys = 1_000
    package static let maxKeyBytes = 128

    package static let propertyKeysKey = "uplift.property_keys"
    package static let propertyKeysTruncatedKey = "uplift.property_keys_truncated"
    package static let contextKeysKey = "uplift.context_keys"
    package static let contextKeysTruncatedKey = "uplift.context_keys_truncated"

    package var properties: Column
    package var context: Column

    package init(properties: Column = Column(), context: Column = Column()) {
        self.properties = properties
        self.context = context
    }

    /// The keys of the `properties` and `context` texts at `rows` of a table.
    package init(_ table: EventTable, rows: ArraySlice<Int32>) {
        var p = Collector()
        p.add(table[bytes: .properties], rows: rows)
        var c = Collector()
        c.add(table[bytes: .context], rows: rows)
        self.init(properties: p.column, context: c.column)
    }

    /// The keys of events' `properties` and `context` texts.
    package init(events: some Sequence<Event>) {
        var p = Collector()
        var c = Collector()
        for e in events {
            var properties = e.properties
            properties.withUTF8 { p.add(UnsafeRawBufferPointer($0)) }
            var context = e.context
            context.withUTF8 { c.add(UnsafeRawBufferPointer($0)) }
        }
        self.init(properties: p.column, context: c.column)
    }

    /// The footer's lists; nil when the segment has none (written before segments listed their keys)
    /// or they cannot be read.
    package init?(metadata value: (String) -> String?) {
        func column(_ key: String, _ truncatedKey: String) -> Column? {
            guard let text = value(key), let keys = Self.strings(text) else { return nil }
            return Column(keys: Set(keys), truncated: value(truncatedKey) == "true")
        }
        guard let properties = column(Self.propertyKeysKey, Self.propertyKeysTruncatedKey),
            let context = column(Self.contextKeysKey, Self.contextKeysTruncatedKey)
        else { return nil }
        self.init(properties: properties, context: context)
    }

    /// Footer key/value entries for these lists (the truncation marks only when set).
    package var metadata: [(key: String, value: String)] {
        func entries(_ c: Column, _ key: String, _ truncatedKey: String) -> [(key: String, value: String)] {
            let sorted = c.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let list = JSONValue.array(sorted.map { .string($0) }).compactText
            return [(key, list)] + (c.truncated ? [(truncatedKey, "true")] : [])
        }
        return entries(properties, Self.propertyKeysKey, Self.propertyKeysTruncatedKey)
            + entries(context, Self.contextKeysKey, Self.contextKeysTruncatedKey)
    }

    /// A JSON array of strings, or nil.
    private static func strings(_ text: String) -> [String]? {
        guard case .array(let items)? = try? JSONValue(parsing: Array(text.utf8)) else { return nil }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }

    /// Gathers the top-level keys of JSON object texts, one text at a time.
    package struct Collector {
        private var keys: Set<String> = []
        private var truncated = false

        package init() {}

        package var column: Column { Column(keys: keys, truncated: truncated) }

        /// Adds the keys of the texts at `rows` of a column.
        package mutating func add(_ texts: ByteColumn, rows: ArraySlice<Int32>) {
            texts.bytes.withUnsafeBytes { bytes in
                texts.offsets.withUnsafeBufferPointer { offsets in
                    for r in rows {
                        add(UnsafeRawBufferPointer(rebasing: bytes[offsets[Int(r)]..<offsets[Int(r) + 1]]))
                    }
                }
            }
        }

        /// Adds the keys of one text. An empty text or `{}` has none; a text that is not a JSON
        /// object (never stored by ingest) makes the list incomplete rather than wrong.
        package mutating func add(_ text: UnsafeRawBufferPointer) {
            guard text.count > 2 else { return }
            guard let tape = try? JSONParser.parse(text) else {
                truncated = true
                return
            }
            let view = JSONView(bytes: text, tape: tape)
            guard view.kind(0) == .object else {
                truncated = true
                return
            }
            view.forEachMember(0) { k, _ in
                // Most keys are escape-free: a String of their bytes is the key.
                let raw = view.raw(k)
                let key =
                    view[k].flag
                    ? String(decoding: JSONView.unescape(raw), as: UTF8.self) : String(decoding: raw, as: UTF8.self)
                guard key.utf8.count <= SegmentKeys.maxKeyBytes else { return true }
                if keys.count < SegmentKeys.maxKeys || keys.contains(key) {
                    keys.insert(key)
                } else {
                    truncated = true
                }
                return true
            }
        }
    }
}
