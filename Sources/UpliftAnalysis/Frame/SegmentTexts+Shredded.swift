import UpliftModel
import UpliftStorage

extension SegmentTexts {
    /// The values of `refs` (all `properties`) at `rows` (ascending) of `block`, whose segment this is,
    /// read from the typed columns of the refs the segment stores as such (`ShreddedProperty`), and from
    /// the stored texts (without the moved members) only for the other refs and for rows whose typed value
    /// is null (the member may still be in the text: another type, or a value that did not move). Nil when
    /// the segment has no typed column for any of the refs, or keeps the texts of all the rows' events:
    /// then the whole texts serve.
    func propertyValues(
        _ refs: [PropertyRef], rows: [Int], block: EventBlock
    ) throws(UpliftError) -> [[PropertyValue]]? {
        let properties = try shredding().properties
        let columnOf = refs.map { ref in properties.firstIndex { $0.key == ref.key } }
        guard columnOf.contains(where: { $0 != nil }) else { return nil }
        guard !rows.isEmpty else { return [] }
        // Texts an earlier query kept (rare events) are read from memory, faster than any file.
        guard !keepsTexts(.properties, events: Set(rows.map { block.events[$0] })) else { return nil }
        // Reads the footer, the stored texts' chunk and the typed columns; inflates only what is asked.
        let segment = try EventSegment(path: path, columns: [.properties])
        let readers = refs.map(PropertyReader.init)
        let someInText = columnOf.contains(nil)
        let used = Array(Set(columnOf.compactMap { $0 })).sorted()
        var out: [[PropertyValue]] = []
        out.reserveCapacity(rows.count)
        var groupStart = 0
        var next = 0
        for (group, size) in segment.rowGroupSizes.enumerated() {
            let groupEnd = groupStart + size
            defer { groupStart = groupEnd }
            guard next < rows.count, rows[next] < groupEnd else { continue }
            var typed: [Int: EventSegment.ShreddedColumn] = [:]
            for c in used { typed[c] = try segment.shreddedValues(c, rowGroup: group) }
            var texts: EventSegment.Texts?
            while next < rows.count, rows[next] < groupEnd {
                let i = rows[next] - groupStart
                next += 1
                var values = [PropertyValue](repeating: .absent, count: refs.count)
                var fromText = [Bool](repeating: someInText, count: refs.count)
                for (r, c) in columnOf.enumerated() {
                    guard let c else { continue }
                    if let value = typed[c]?.value(at: i) {
                        values[r] = PropertyReader.value(value)
                        fromText[r] = false
                    } else {
                        fromText[r] = true
                    }
                }
                if fromText.contains(true) {
                    if texts == nil { texts = try segment.storedTexts(.properties, rowGroup: group) }
                    texts?.forEach(CollectionOfOne(i)) { _, text in
                        let read = PropertyReader.values(in: text, readers)
                        for r in refs.indices where fromText[r] { values[r] = read[r] }
                    }
                }
                out.append(values)
            }
        }
        return out
    }
}

extension PropertyReader {
    /// What `values(in:_:)` reads from the member's text, from its typed value (whose text it is exactly).
    static func value(_ value: ShreddedProperty.Value) -> PropertyValue {
        switch value {
        case .string(let bytes):
            let s = String(decoding: bytes, as: UTF8.self)
            return .value(text: s, number: number(s))
        case .integer(let v):
            let raw = String(v)
            return .value(text: raw, number: Double(raw).flatMap { $0.isFinite ? $0 : nil })
        case .double(let v):
            return .value(text: String(v), number: v)
        case .boolean(let v):
            return .value(text: v ? "true" : "false", number: nil)
        }
    }
}
