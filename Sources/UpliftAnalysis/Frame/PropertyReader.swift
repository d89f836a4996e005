package import UpliftModel

/// Reads one property out of an event's JSON object (its `properties` or `context` text).
package struct PropertyReader {
    let key: [UInt8]

    package init(_ property: PropertyRef) { key = Array(property.key.utf8) }

    /// The values of several properties of one JSON object text, parsing it once.
    package static func values(in text: UnsafeRawBufferPointer, _ readers: [PropertyReader]) -> [PropertyValue] {
        guard text.count > 2, let tape = try? JSONParser.parse(text) else { return readers.map { _ in .absent } }
        let view = JSONView(bytes: text, tape: tape)
        guard view.kind(0) == .object else { return readers.map { _ in .absent } }
        var found = [Int?](repeating: nil, count: readers.count)
        view.forEachMember(0) { k, v in
            for (i, r) in readers.enumerated() where keyEquals(view, k, r.key) { found[i] = v }
            return true
        }
        return found.map { $0.map { value(view, $0, text) } ?? .absent }
    }

    private static func value(_ view: JSONView, _ index: Int, _ text: UnsafeRawBufferPointer) -> PropertyValue {
        switch view.kind(index) {
        case .null: return .absent
        case .true: return .value(text: "true", number: nil)
        case .false: return .value(text: "false", number: nil)
        case .number:
            let raw = String(decoding: view.raw(index), as: UTF8.self)
            // Ingest refuses numbers beyond a double's range; one stored before that is no number.
            return .value(text: raw, number: Double(raw).flatMap { $0.isFinite ? $0 : nil })
        case .string:
            let s = view.string(index) ?? ""
            return .value(text: s, number: Self.number(s))
        case .array, .object:
            let e = view[index]
            return .value(
                text: String(
                    decoding: UnsafeRawBufferPointer(rebasing: text[Int(e.start)..<Int(e.end)]), as: UTF8.self),
                number: nil)
        }
    }

    /// A string that holds a plain decimal number (`"29.00"`, `"-1.5e3"`, `".5"`, `"29."`) whose value
    /// is finite, as a Double. Anything else, `"0x1p+2000"`,
    /// `"-inf"`, `"nan"` or `"1e400"` included, is text and never takes part in a sum.
    static func number(_ s: String) -> Double? {
        let bytes = s.utf8
        guard bytes.count < 40, isDecimal(bytes), let value = Double(s), value.isFinite else { return nil }
        return value
    }

    /// `-?digits?(.digits?)?([eE][+-]?digits)?` with at least one digit before the exponent.
    static func isDecimal(_ bytes: String.UTF8View) -> Bool {
        var i = bytes.startIndex
        func digits() -> Bool {
            let start = i
            while i != bytes.endIndex, bytes[i] &- UInt8(ascii: "0") < 10 { i = bytes.index(after: i) }
            return i != start
        }
        if i != bytes.endIndex, bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        var mantissa = digits()
        if i != bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            mantissa = digits() || mantissa
        }
        guard mantissa else { return false }
        if i != bytes.endIndex, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i = bytes.index(after: i)
            if i != bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                i = bytes.index(after: i)
            }
            guard digits() else { return false }
        }
        return i == bytes.endIndex
    }

    private static func keyEquals(_ view: JSONView, _ index: Int, _ key: [UInt8]) -> Bool {
        let e = view[index]
        if e.flag { return Array(JSONView.unescape(view.raw(index))) == key }
        guard Int(e.end - e.start) == key.count else { return false }
        let raw = view.raw(index)
        for i in 0..<key.count where raw[i] != key[i] { return false }
        return true
    }
}

/// The JSON texts of a block's `properties` or `context` column, for chosen rows.
package enum BlockTexts {
    /// Calls `body(row, text)` for each row in `rows` (ascending).
    package static func forEach(
        _ block: EventBlock, _ source: PropertyRef.Source, rows: [Int], _ body: (Int, UnsafeRawBufferPointer) -> Void
    ) throws(UpliftError) {
        guard !rows.isEmpty else { return }
        switch block.origin {
        case .memory(let properties, let context):
            let texts = source == .properties ? properties : context
            for row in rows {
                var text = texts[row]
                text.withUTF8 { body(row, UnsafeRawBufferPointer($0)) }
            }
        case .segment(_, let store):
            var events = Set<Int32>()
            for row in rows { events.insert(block.events[row]) }
            let texts = try store.texts(source, events: events, block: block)
            // Rows ascend, and so do each event's rows: one cursor per event finds them in order.
            var cursors: [Int32: Int] = [:]
            for row in rows {
                let event = block.events[row]
                guard let t = texts[event] else { continue }
                var k = cursors[event, default: 0]
                while k < t.rows.count, Int(t.rows[k]) < row { k += 1 }
                cursors[event] = k
                guard k < t.rows.count, Int(t.rows[k]) == row else { continue }
                t.bytes.withUnsafeBytes { raw in
                    body(row, UnsafeRawBufferPointer(rebasing: raw[t.offsets[k]..<t.offsets[k + 1]]))
                }
            }
        }
    }
}
