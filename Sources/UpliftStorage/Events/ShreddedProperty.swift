package import UpliftModel
package import UpliftParquet

/// A top-level member of the events' `properties` objects stored in a typed column of its own,
/// `prop_<key>`, after the record's columns (segment format 3; schemas/STORAGE.md, "Shredded properties").
/// A row's column is non-null exactly when that member was moved out of the row's JSON text.
package struct ShreddedProperty: Sendable, Hashable {
    /// The JSON type a column holds, and so its Parquet type.
    package enum Kind: Int, Sendable, Hashable, CaseIterable {
        /// BYTE_ARRAY STRING: the decoded string.
        case string
        /// INT64: a number written as the canonical decimal of an `Int64` (no sign on 0, no leading zeros).
        case integer
        /// DOUBLE: a number with a fraction or an exponent, written as Swift prints its value
        /// (`String(Double)`, the shortest text that reads back as the same value).
        case double
        /// BOOLEAN.
        case boolean
    }

    /// One member's value, when its text comes back byte for byte from the typed value.
    package enum Value: Sendable, Equatable {
        case string([UInt8])
        case integer(Int64)
        case double(Double)
        case boolean(Bool)

        package var kind: Kind {
            switch self {
            case .string: .string
            case .integer: .integer
            case .double: .double
            case .boolean: .boolean
            }
        }
    }

    package static let columnPrefix = "prop_"
    /// The longest key given a column, in bytes.
    package static let maxKeyBytes = 64

    package let key: String
    package let kind: Kind

    package init(key: String, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    /// The column's name: flat, since Spark and SQL give dots a meaning of their own.
    package var columnName: String { Self.columnPrefix + key }

    /// The column as a Parquet schema field: always OPTIONAL.
    package var field: ParquetField {
        switch kind {
        case .string: ParquetField(name: columnName, type: .string, optional: true, dictionary: true)
        case .integer: ParquetField(name: columnName, type: .int64, optional: true, dictionary: true)
        case .double: ParquetField(name: columnName, type: .double, optional: true)
        case .boolean: ParquetField(name: columnName, type: .boolean, optional: true)
        }
    }

    /// The property a segment's column holds, or nil when the column is not a shredded property column.
    package init?(field: ParquetField) {
        guard field.optional, field.name.hasPrefix(Self.columnPrefix) else { return nil }
        let key = String(field.name.dropFirst(Self.columnPrefix.count))
        guard Self.isPlainKey(key.utf8) else { return nil }
        switch field.type {
        case .string: kind = .string
        case .int64: kind = .integer
        case .double: kind = .double
        case .boolean: kind = .boolean
        default: return nil
        }
        self.key = key
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, at most `maxKeyBytes` bytes: a column name every engine takes
    /// unquoted, and a key no JSON escape can spell another way.
    package static func isPlainKey(_ key: some Collection<UInt8>) -> Bool {
        guard !key.isEmpty, key.count <= maxKeyBytes else { return false }
        var first = true
        for c in key {
            let letter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
            guard letter || (!first && c >= 0x30 && c <= 0x39) else { return false }
            first = false
        }
        return true
    }

    /// The typed value of the tape value `index`, when writing that value back (`appendText`) gives its
    /// text byte for byte; nil for null, arrays, objects and numbers or strings written another way
    /// (`1e5`, `-0`, `2.50`, an integer beyond 64 bits, `"\u0041"`).
    package static func exactValue(_ view: JSONView, _ index: Int) -> Value? {
        let e = view[index]
        let raw = view.raw(index)
        switch e.kind {
        case .true: return .boolean(true)
        case .false: return .boolean(false)
        case .string:
            let decoded = e.flag ? JSONView.unescape(raw) : Array(raw)
            var written: [UInt8] = []
            written.reserveCapacity(raw.count)
            JSONWriter.appendEscaped(decoded, to: &written)
            return written.elementsEqual(raw) ? .string(decoded) : nil
        case .number:
            let text = String(decoding: raw, as: UTF8.self)
            if raw.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
                guard let v = Int64(text), String(v) == text else { return nil }
                return .integer(v)
            }
            guard let d = Double(text), d.isFinite, String(d) == text else { return nil }
            return .double(d)
        case .null, .array, .object:
            return nil
        }
    }

    /// Appends the JSON text of a value: what `exactValue` read it from.
    package static func appendText(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .string(let bytes):
            out.append(UInt8(ascii: "\""))
            JSONWriter.appendEscaped(bytes, to: &out)
            out.append(UInt8(ascii: "\""))
        case .integer(let v): out.append(contentsOf: String(v).utf8)
        case .double(let d): out.append(contentsOf: String(d).utf8)
        case .boolean(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }
}
