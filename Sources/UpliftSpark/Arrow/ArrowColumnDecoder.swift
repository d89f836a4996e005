import UpliftModel

/// Decodes one column of one record batch from its buffers (validity first, then data, then — for
/// strings and binary — the bytes the offsets point into).
///
/// Every size is checked against the declared row count before anything is allocated, so an output
/// array is never larger than the input can justify; a declared null count must match the validity
/// bitmap; values in null rows are never interpreted (pyarrow leaves them as zeros, others as garbage).
struct ArrowColumnDecoder {
    let bytes: [UInt8]
    let field: ArrowField
    let node: ArrowRecordBatch.Node
    /// This column's buffers, `field.type.bufferCount` of them, each inside the batch's body.
    let buffers: ArraySlice<Range<Int>>
    /// `column 'n' (int64) in record batch 2`, for error messages.
    let context: String

    var rows: Int { node.length }

    func decode() throws(UpliftError) -> ArrowColumn {
        switch field.type {
        case .null: .null(count: rows)
        case .int(8, true): .int32(try fixedWidth(Int8.self) { Int32($0) })
        case .int(16, true): .int32(try fixedWidth(Int16.self) { Int32($0) })
        case .int(32, true): .int32(try fixedWidth(Int32.self) { $0 })
        case .int(64, true): .int64(try fixedWidth(Int64.self) { $0 })
        case .int(8, false): .int32(try fixedWidth(UInt8.self) { Int32($0) })
        case .int(16, false): .int32(try fixedWidth(UInt16.self) { Int32($0) })
        case .int(32, false): .int64(try fixedWidth(UInt32.self) { Int64($0) })
        case .int(64, false): .uint64(try fixedWidth(UInt64.self) { $0 })
        case .int(let bitWidth, _): throw corrupt("is an integer of \(bitWidth) bits")
        case .float: .double(try fixedWidth(UInt32.self) { Double(Float(bitPattern: $0)) })
        case .double: .double(try fixedWidth(UInt64.self) { Double(bitPattern: $0) })
        case .bool: .bool(try booleans())
        case .utf8(let large):
            .string(try large ? variableWidth(Int64.self, Self.text) : variableWidth(Int32.self, Self.text))
        case .binary(let large):
            .binary(try large ? variableWidth(Int64.self, Self.bytes) : variableWidth(Int32.self, Self.bytes))
        case .timestamp(let unit, _): .timestamp(try timestamps(unit))
        case .date(.day): .date(try fixedWidth(Int32.self) { $0 })
        case .date(.millisecond): .date(try millisecondDates())
        case .decimal(_, let scale): .decimal(try decimals(), scale: scale)
        }
    }

    func corrupt(_ problem: String) -> UpliftError {
        UpliftError(.corrupt, "Arrow stream: \(context) \(problem)")
    }

    /// Where the validity bitmap starts, or nil when every row is valid (a zero-length bitmap, which
    /// writers use when nothing is null). A bitmap's nulls must add up to the node's null count.
    func validity() throws(UpliftError) -> Int? {
        let bitmap = buffers[buffers.startIndex]
        guard !bitmap.isEmpty else {
            guard node.nullCount == 0 else {
                throw corrupt("declares \(node.nullCount) nulls but has no validity bitmap")
            }
            return nil
        }
        guard bitmap.count >= (rows + 7) / 8 else {
            throw corrupt("declares \(rows) rows but its validity bitmap holds \(bitmap.count * 8) bits")
        }
        let valid = bytes.withUnsafeBytes { raw in
            var count = 0
            for index in 0..<(rows / 8) { count += raw[bitmap.lowerBound + index].nonzeroBitCount }
            if rows % 8 != 0 {
                let mask = UInt8(truncatingIfNeeded: (1 << (rows % 8)) - 1)
                count += (raw[bitmap.lowerBound + rows / 8] & mask).nonzeroBitCount
            }
            return count
        }
        guard rows - valid == node.nullCount else {
            throw corrupt("declares \(node.nullCount) nulls but its validity bitmap marks \(rows - valid)")
        }
        return bitmap.lowerBound
    }

    /// The data buffer (the last one for fixed-width types), checked to hold `rows` values of `width` bytes.
    private func fixedData(width: Int) throws(UpliftError) -> Range<Int> {
        let data = buffers[buffers.startIndex + 1]
        guard data.count / width >= rows else {
            throw corrupt("declares \(rows) rows but its data buffer holds \(data.count / width)")
        }
        return data
    }

    /// Fixed-width little-endian values, converted one by one; nil in null rows.
    func fixedWidth<Raw: FixedWidthInteger, Value>(
        _: Raw.Type, _ convert: (Raw) -> Value
    ) throws(UpliftError) -> [Value?] {
        let valid = try validity()
        let width = MemoryLayout<Raw>.size
        let data = try fixedData(width: width)
        return bytes.withUnsafeBytes { raw in
            var out: [Value?] = []
            out.reserveCapacity(rows)
            for row in 0..<rows {
                if let valid, raw[valid + (row >> 3)] & (1 << UInt8(row & 7)) == 0 {
                    out.append(nil)
                } else {
                    let offset = data.lowerBound + row * width
                    out.append(convert(Raw(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Raw.self))))
                }
            }
            return out
        }
    }

    /// Decimal128: 16 bytes per value, the low 64 bits first, two's complement.
    private func decimals() throws(UpliftError) -> [Int128?] {
        let valid = try validity()
        let data = try fixedData(width: 16)
        return bytes.withUnsafeBytes { raw in
            var out: [Int128?] = []
            out.reserveCapacity(rows)
            for row in 0..<rows {
                if let valid, raw[valid + (row >> 3)] & (1 << UInt8(row & 7)) == 0 {
                    out.append(nil)
                } else {
                    let offset = data.lowerBound + row * 16
                    let low = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    let high = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: Int64.self))
                    out.append(Int128(high) << 64 | Int128(low))
                }
            }
            return out
        }
    }

    /// Bit-packed booleans, least significant bit first, like the validity bitmap.
    private func booleans() throws(UpliftError) -> [Bool?] {
        let valid = try validity()
        let data = buffers[buffers.startIndex + 1]
        guard data.count >= (rows + 7) / 8 else {
            throw corrupt("declares \(rows) rows but its data buffer holds \(data.count * 8) bits")
        }
        return bytes.withUnsafeBytes { raw in
            var out: [Bool?] = []
            out.reserveCapacity(rows)
            for row in 0..<rows {
                if let valid, raw[valid + (row >> 3)] & (1 << UInt8(row & 7)) == 0 {
                    out.append(nil)
                } else {
                    out.append(raw[data.lowerBound + (row >> 3)] & (1 << UInt8(row & 7)) != 0)
                }
            }
            return out
        }
    }
}
