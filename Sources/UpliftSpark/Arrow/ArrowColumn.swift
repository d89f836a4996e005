/// The decoded values of one column, one element per row, nil where the row is null.
///
/// Narrow types widen so that callers meet few cases: int8, int16, int32, uint8 and uint16 decode to
/// `int32`; int64 and uint32 to `int64`; uint64 stays `uint64`; float widens to `double` (exactly);
/// utf8 and large_utf8 are both `string`, binary and large_binary both `binary`; every timestamp unit
/// becomes microseconds since the epoch (nanoseconds round down, towards the past); date64's
/// milliseconds become days (rounding down). The field's `ArrowType` still says what was declared.
package enum ArrowColumn: Sendable, Equatable {
    case int32([Int32?])
    case int64([Int64?])
    case uint64([UInt64?])
    case double([Double?])
    case bool([Bool?])
    case string([String?])
    case binary([[UInt8]?])
    /// Microseconds since the Unix epoch.
    case timestamp([Int64?])
    /// Days since the Unix epoch.
    case date([Int32?])
    /// Unscaled values; each is `unscaled × 10^-scale`.
    case decimal([Int128?], scale: Int32)
    /// A column of the null type: `count` rows, all null, no storage.
    case null(count: Int)

    /// An empty column of the kind that `type` decodes to.
    init(emptyFor type: ArrowType) {
        switch type {
        case .null: self = .null(count: 0)
        case .int(let bitWidth, let signed):
            if bitWidth < 32 || (bitWidth == 32 && signed) {
                self = .int32([])
            } else if bitWidth == 64 && !signed {
                self = .uint64([])
            } else {
                self = .int64([])
            }
        case .float, .double: self = .double([])
        case .bool: self = .bool([])
        case .utf8: self = .string([])
        case .binary: self = .binary([])
        case .timestamp: self = .timestamp([])
        case .date: self = .date([])
        case .decimal(_, let scale): self = .decimal([], scale: scale)
        }
    }

    /// The number of rows.
    package var count: Int {
        switch self {
        case .int32(let values), .date(let values): values.count
        case .int64(let values), .timestamp(let values): values.count
        case .uint64(let values): values.count
        case .double(let values): values.count
        case .bool(let values): values.count
        case .string(let values): values.count
        case .binary(let values): values.count
        case .decimal(let values, _): values.count
        case .null(let count): count
        }
    }

    /// The value in `row`, which must be below `count` (as an array index must).
    package subscript(row: Int) -> ArrowValue {
        switch self {
        case .int32(let values): Self.cell(values[row]) { .int(Int64($0)) }
        case .int64(let values): Self.cell(values[row]) { .int($0) }
        case .uint64(let values): Self.cell(values[row]) { .uint($0) }
        case .double(let values): Self.cell(values[row]) { .double($0) }
        case .bool(let values): Self.cell(values[row]) { .bool($0) }
        case .string(let values): Self.cell(values[row]) { .string($0) }
        case .binary(let values): Self.cell(values[row]) { .binary($0) }
        case .timestamp(let values): Self.cell(values[row]) { .timestamp(microseconds: $0) }
        case .date(let values): Self.cell(values[row]) { .date(days: $0) }
        case .decimal(let values, let scale):
            Self.cell(values[row]) { .decimal(ArrowDecimal(unscaled: $0, scale: scale)) }
        case .null(let count): Self.nullCell(row, count: count)
        }
    }

    /// Traps on a bad row as the other cases' array indexing does, rather than answer null for any index.
    private static func nullCell(_ row: Int, count: Int) -> ArrowValue {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
        return .null
    }

    private static func cell<T>(_ value: T?, _ make: (T) -> ArrowValue) -> ArrowValue {
        guard let value else { return .null }
        return make(value)
    }

    /// Appends the rows of `other`, a column of the same kind (the decoder only ever appends a batch's
    /// column to the column of the same field). Returns false, changing nothing, on a kind mismatch.
    mutating func append(_ other: ArrowColumn) -> Bool {
        // Each case moves the array out of `self` before appending, so the append happens in place
        // instead of copying everything read so far (which would make many batches quadratic).
        switch other {
        case .int32(let more):
            guard case .int32(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .int32(values)
        case .int64(let more):
            guard case .int64(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .int64(values)
        case .uint64(let more):
            guard case .uint64(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .uint64(values)
        case .double(let more):
            guard case .double(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .double(values)
        case .bool(let more):
            guard case .bool(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .bool(values)
        case .string(let more):
            guard case .string(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .string(values)
        case .binary(let more):
            guard case .binary(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .binary(values)
        case .timestamp(let more):
            guard case .timestamp(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .timestamp(values)
        case .date(let more):
            guard case .date(var values) = self else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .date(values)
        case .decimal(let more, let scale):
            guard case .decimal(var values, let own) = self, own == scale else { return false }
            self = .null(count: 0)
            values.append(contentsOf: more)
            self = .decimal(values, scale: scale)
        case .null(let more):
            guard case .null(let count) = self else { return false }
            let (total, overflow) = count.addingReportingOverflow(more)
            guard !overflow else { return false }
            self = .null(count: total)
        }
        return true
    }
}
