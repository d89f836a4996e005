/// The values of one column chunk, one slot per row (a null row's slot holds 0 / false / empty).
package enum ColumnValues: Sendable, Hashable {
    case int32([Int32])
    case int64([Int64])
    case double([Double])
    case boolean([Bool])
    case byteArrays(ByteArrays)

    package var count: Int {
        switch self {
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .double(let v): v.count
        case .boolean(let v): v.count
        case .byteArrays(let v): v.count
        }
    }
}

/// One column of one row group: the values and, for optional columns, which rows are non-null.
package struct ColumnData: Sendable, Hashable {
    package var values: ColumnValues
    /// `validity[i] == false` marks row `i` null; nil means no nulls.
    package var validity: [Bool]?

    package init(values: ColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    package var count: Int { values.count }

    package func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }
}

/// A dictionary-encoded column chunk as stored: the distinct values and one dictionary index per row.
///
/// `indices` has one slot per row (0 for nulls), so a group-by can count into `dictionary.count` buckets
/// without touching the values.
package struct DictionaryColumn: Sendable, Hashable {
    package var dictionary: ColumnValues
    package var indices: [Int32]
    package var validity: [Bool]?
}

/// A byte-array column chunk in the form it was stored in, so that a reader interns a dictionary once
/// instead of every row: the dictionary and one index per row, or (written PLAIN, as after a dictionary
/// fallback) every row's bytes. Either way the bytes sit in one buffer; no value becomes a `String`.
package enum ByteArrayChunk: Sendable, Hashable {
    /// Row i holds `dictionary[indices[i]]` (0 for a null row).
    case dictionary(ByteArrays, indices: [Int32])
    case plain(ByteArrays)

    package var count: Int {
        switch self {
        case .dictionary(_, let indices): indices.count
        case .plain(let values): values.count
        }
    }
}
