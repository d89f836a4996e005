package import UpliftModel
package import UpliftParquet

/// Which properties of a segment are stored as typed columns (`ShreddedProperty`), and moving them
/// out of the rows' JSON texts and back. Compaction chooses them per project and day from that day's
/// rows (`choose`); a segment's columns say which it has. A member moves only when its typed value
/// writes back as exactly its text, so rebuilding a row gives the same members with the same values
/// and the same text; the moved members come back after the members the text kept, in column order
/// (a JSON object's members are unordered; nothing in Uplift reads their order).
package struct PropertyShredding: Sendable, Equatable {
    /// The typed columns, in segment order (after `EventColumn.all` and its companions).
    package var properties: [ShreddedProperty]

    package init(_ properties: [ShreddedProperty] = []) {
        self.properties = properties
    }

    /// Which keys get a column (schemas/STORAGE.md, "Shredded properties"): a plain identifier of
    /// at most 64 bytes (`ShreddedProperty.isPlainKey`), present in at least `minimumShare` of the
    /// rows, with at least `stability` of its values of one exactly representable type (string,
    /// integer, double, boolean), the most frequent first, at most `maxColumns`; none for a day of
    /// fewer than `minimumRows` rows, where columns would cost more footer than they save.
    package struct Rule: Sendable {
        package var minimumRows = 1_000
        package var minimumShare = 0.05
        package var stability = 0.99
        package var maxColumns = 32

        package init() {}
    }

    /// The typed columns' schema fields.
    package var fields: [ParquetField] { properties.map(\.field) }

    /// The columns for the rows of `texts` (`properties` JSON texts) under `rule`.
    package static func choose(_ texts: ByteColumn, rule: Rule) -> PropertyShredding {
        let rows = texts.count
        guard rule.maxColumns > 0, rows > 0, rows >= rule.minimumRows else { return PropertyShredding() }
        var tallies: [String: [Int]] = [:]  // per key: occurrences, then exact values of each kind
        texts.bytes.withUnsafeBytes { bytes in
            for r in 0..<rows {
                let text = UnsafeRawBufferPointer(rebasing: bytes[texts.offsets[r]..<texts.offsets[r + 1]])
                guard let view = Self.compactObject(text) else { continue }
                view.forEachMember(0) { k, v in
                    guard !view[k].flag, ShreddedProperty.isPlainKey(view.raw(k)) else { return true }
                    let key = String(decoding: view.raw(k), as: UTF8.self)
                    var tally = tallies[key] ?? [Int](repeating: 0, count: 1 + ShreddedProperty.Kind.allCases.count)
                    tally[0] += 1
                    if let value = ShreddedProperty.exactValue(view, v) { tally[1 + value.kind.rawValue] += 1 }
                    tallies[key] = tally
                    return true
                }
            }
        }
        var chosen: [(property: ShreddedProperty, occurrences: Int)] = []
        for (key, tally) in tallies where Double(tally[0]) >= rule.minimumShare * Double(rows) {
            let kinds = tally.dropFirst()
            guard let best = kinds.indices.max(by: { kinds[$0] < kinds[$1] }),
                Double(kinds[best]) >= rule.stability * Double(tally[0]),
                let kind = ShreddedProperty.Kind(rawValue: best - 1)
            else { continue }
            chosen.append((ShreddedProperty(key: key, kind: kind), tally[0]))
        }
        chosen.sort {
            $0.occurrences != $1.occurrences
                ? $0.occurrences > $1.occurrences : $0.property.key.utf8.lexicographicallyPrecedes($1.property.key.utf8)
        }
        return PropertyShredding(chosen.prefix(rule.maxColumns).map(\.property))
    }

    /// Moves the members of `properties` out of one row group's texts: the texts without them, and one
    /// column per property, null where the row's member stayed in its text (absent, another type, a
    /// value whose text would not come back byte for byte, or a key the row has twice).
    package func split(_ texts: ByteArrays) -> (texts: ByteArrays, columns: [ColumnData]) {
        guard !properties.isEmpty else { return (texts, []) }
        let rows = texts.count
        let columnOfKey = Dictionary(uniqueKeysWithValues: properties.enumerated().map { ($1.key, $0) })
        var kept = ByteArrays()
        kept.reserveCapacity(values: rows, bytes: texts.bytes.count)
        var builders = properties.map { ColumnBuilder(kind: $0.kind, rows: rows) }
        var moved = [ShreddedProperty.Value?](repeating: nil, count: properties.count)
        var hits = [Int](repeating: 0, count: properties.count)
        var out: [UInt8] = []
        texts.bytes.withUnsafeBytes { bytes in
            for r in 0..<rows {
                let text = UnsafeRawBufferPointer(
                    rebasing: bytes[Int(texts.offsets[r])..<Int(texts.offsets[r + 1])])
                for c in moved.indices {
                    moved[c] = nil
                    hits[c] = 0
                }
                var any = false
                if let view = Self.compactObject(text) {
                    view.forEachMember(0) { k, v in
                        let key = view[k].flag ? view.string(k) ?? "" : String(decoding: view.raw(k), as: UTF8.self)
                        guard let c = columnOfKey[key] else { return true }
                        hits[c] += 1
                        // An escaped spelling of the key is never moved: its text would not come back.
                        if !view[k].flag, let value = ShreddedProperty.exactValue(view, v),
                            value.kind == properties[c].kind
                        {
                            moved[c] = value
                        }
                        return true
                    }
                    for c in moved.indices where hits[c] != 1 { moved[c] = nil }
                    any = moved.contains { $0 != nil }
                    if any {
                        out.removeAll(keepingCapacity: true)
                        out.append(UInt8(ascii: "{"))
                        view.forEachMember(0) { k, v in
                            if !view[k].flag, let c = columnOfKey[String(decoding: view.raw(k), as: UTF8.self)],
                                moved[c] != nil
                            {
                                return true
                            }
                            if out.count > 1 { out.append(UInt8(ascii: ",")) }
                            let end = Int(view[v].end) + (view.kind(v) == .string ? 1 : 0)
                            out.append(contentsOf: text[(Int(view[k].start) - 1)..<end])
                            return true
                        }
                        out.append(UInt8(ascii: "}"))
                    }
                }
                if any { kept.append(contentsOf: out) } else { kept.append(contentsOf: text) }
                for c in builders.indices { builders[c].append(moved[c]) }
            }
        }
        return (kept, builders.map(\.column))
    }

    /// Puts the members of `columns` (one per property, in order, as `split` made them) back into
    /// one row group's texts, after the members each text kept.
    package func rebuild(_ texts: ByteArrays, columns: [ColumnData]) throws(UpliftError) -> ByteArrays {
        guard !properties.isEmpty else { return texts }
        let rows = texts.count
        guard columns.count == properties.count,
            zip(columns, properties).allSatisfy({ c, p in
                c.count == rows && (c.validity?.count ?? rows) == rows && Self.holds(c.values, p.kind)
            })
        else { throw UpliftError(.corrupt, "segment property columns do not have their schema types") }
        let names = properties.map { Array("\"\($0.key)\":".utf8) }
        var out = ByteArrays()
        out.reserveCapacity(values: rows, bytes: texts.bytes.count + rows * 8 * properties.count)
        var row: [UInt8] = []
        for r in 0..<rows {
            let text = texts[r]
            guard columns.contains(where: { !$0.isNull(r) }) else {
                out.append(contentsOf: text)
                continue
            }
            guard text.count >= 2, text.first == UInt8(ascii: "{"), text.last == UInt8(ascii: "}") else {
                throw UpliftError(.corrupt, "segment row \(r) has a shredded property but no JSON object text")
            }
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: text.dropLast())
            var first = text.count == 2
            for (c, column) in columns.enumerated() where !column.isNull(r) {
                if !first { row.append(UInt8(ascii: ",")) }
                first = false
                row.append(contentsOf: names[c])
                let value: ShreddedProperty.Value
                switch column.values {
                case .byteArrays(let v): value = .string(Array(v[r]))
                case .int64(let v): value = .integer(v[r])
                case .double(let v):
                    guard v[r].isFinite else {
                        throw UpliftError(.corrupt, "segment row \(r) has a property that is not a finite number")
                    }
                    value = .double(v[r])
                case .boolean(let v): value = .boolean(v[r])
                case .int32: throw UpliftError(.corrupt, "segment property columns do not have their schema types")
                }
                ShreddedProperty.appendText(value, to: &row)
            }
            row.append(UInt8(ascii: "}"))
            out.append(contentsOf: row)
        }
        return out
    }

    private static func holds(_ values: ColumnValues, _ kind: ShreddedProperty.Kind) -> Bool {
        switch (values, kind) {
        case (.byteArrays, .string), (.int64, .integer), (.double, .double), (.boolean, .boolean): true
        default: false
        }
    }

    /// The text as a view when it is a JSON object without whitespace (as ingest stores every
    /// properties text): only then is a member's span the text it gives back.
    private static func compactObject(_ text: UnsafeRawBufferPointer) -> JSONView? {
        guard text.count > 2, text[0] == UInt8(ascii: "{"), let tape = try? JSONParser.parse(text) else { return nil }
        let view = JSONView(bytes: text, tape: tape)
        guard view.kind(0) == .object, view[0].flag else { return nil }
        return view
    }

    /// One typed column of a row group being split.
    private struct ColumnBuilder {
        let kind: ShreddedProperty.Kind
        var validity: [Bool] = []
        var strings = ByteArrays()
        var integers: [Int64] = []
        var doubles: [Double] = []
        var booleans: [Bool] = []

        init(kind: ShreddedProperty.Kind, rows: Int) {
            self.kind = kind
            validity.reserveCapacity(rows)
        }

        /// A null row holds an empty string, 0 or false.
        mutating func append(_ value: ShreddedProperty.Value?) {
            validity.append(value != nil)
            switch kind {
            case .string:
                if case .string(let s)? = value { strings.append(contentsOf: s) } else { strings.appendEmpty() }
            case .integer:
                if case .integer(let i)? = value { integers.append(i) } else { integers.append(0) }
            case .double:
                if case .double(let d)? = value { doubles.append(d) } else { doubles.append(0) }
            case .boolean:
                if case .boolean(let b)? = value { booleans.append(b) } else { booleans.append(false) }
            }
        }

        var column: ColumnData {
            let values: ColumnValues =
                switch kind {
                case .string: .byteArrays(strings)
                case .integer: .int64(integers)
                case .double: .double(doubles)
                case .boolean: .boolean(booleans)
                }
            return ColumnData(values: values, validity: validity.allSatisfy { $0 } ? nil : validity)
        }
    }
}
