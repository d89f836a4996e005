/// Accumulates decoded pages of one column chunk into contiguous arrays, one slot per row.
struct ColumnBuilder {
    let type: ParquetType
    private var int32s: [Int32] = []
    private var int64s: [Int64] = []
    private var doubles: [Double] = []
    private var booleans: [Bool] = []
    private var offsets: [Int32] = [0]
    private var data: [UInt8] = []

    init(type: ParquetType, capacity: Int) {
        self.type = type
        switch type {
        case .int32: int32s.reserveCapacity(capacity)
        case .int64, .timestampMicros: int64s.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .boolean: booleans.reserveCapacity(capacity)
        case .string, .fixed16: offsets.reserveCapacity(capacity + 1)
        }
    }

    var values: ColumnValues {
        switch type {
        case .int32: .int32(int32s)
        case .int64, .timestampMicros: .int64(int64s)
        case .double: .double(doubles)
        case .boolean: .boolean(booleans)
        case .string, .fixed16: .byteArrays(ByteArrays(validatedOffsets: offsets, bytes: data))
        }
    }

    /// Appends `levels.count` rows (or `rows` rows when there are no levels) of PLAIN values from `raw`,
    /// which must hold exactly the non-null values.
    mutating func appendPlain(
        _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?, nonNull: Int
    ) throws(ParquetError) {
        let used: Int
        switch type {
        case .int32: used = try Self.appendFixed(&int32s, raw, rows: rows, levels: levels, nonNull: nonNull)
        case .int64, .timestampMicros:
            used = try Self.appendFixed(&int64s, raw, rows: rows, levels: levels, nonNull: nonNull)
        case .double: used = try Self.appendFixed(&doubles, raw, rows: rows, levels: levels, nonNull: nonNull)
        case .boolean:
            used = (nonNull + 7) / 8
            guard raw.count >= used else { throw .corrupt("boolean page is shorter than its values") }
            var bit = 0
            for row in 0..<rows {
                if let levels, levels[row] == 0 {
                    booleans.append(false)
                    continue
                }
                booleans.append(raw[bit >> 3] & (1 << UInt8(bit & 7)) != 0)
                bit += 1
            }
        case .string:
            used = try appendPlainByteArrays(raw, rows: rows, levels: levels)
        case .fixed16:
            used = try appendPlainFixedLength(16, raw, rows: rows, levels: levels, nonNull: nonNull)
        }
        guard used == raw.count else { throw .corrupt("page holds more bytes than its values need") }
    }

    /// Appends `rows` rows from a DELTA_BINARY_PACKED page body holding exactly the `nonNull` values.
    mutating func appendDelta(
        _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?, nonNull: Int
    ) throws(ParquetError) {
        let used: Int
        switch type {
        case .int32: used = try Self.appendDelta(&int32s, raw, rows: rows, levels: levels, nonNull: nonNull)
        case .int64, .timestampMicros:
            used = try Self.appendDelta(&int64s, raw, rows: rows, levels: levels, nonNull: nonNull)
        case .double, .boolean, .string, .fixed16:
            throw ParquetError(.unsupported, "DELTA_BINARY_PACKED is only supported on integer columns, not \(type)")
        }
        guard used == raw.count else { throw .corrupt("page holds more bytes than its values need") }
    }

    /// Decodes the values into the tail of the new rows, then spreads them forward over the non-null rows
    /// (a value never moves backwards, so nothing unread is overwritten) and zeroes the null slots.
    private static func appendDelta<T: FixedWidthInteger & SignedInteger>(
        _ out: inout [T], _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?, nonNull: Int
    ) throws(ParquetError) -> Int {
        guard nonNull <= rows else { throw .corrupt("page has more values than rows") }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: rows))
        return try out.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(ParquetError) in
                let used = try DeltaBinaryPacked.decode(
                    raw, into: UnsafeMutableBufferPointer(rebasing: buffer[(start + rows - nonNull)..<(start + rows)]))
                if let levels, nonNull < rows {
                    var source = start + rows - nonNull
                    for row in 0..<rows {
                        if levels[row] == 0 {
                            buffer[start + row] = 0
                        } else {
                            buffer[start + row] = buffer[source]
                            source += 1
                        }
                    }
                }
                return used
            }
        }.get()
    }

    /// Extends `data` by `count` bytes (to be overwritten) and returns where they start.
    private mutating func grow(by count: Int) throws(ParquetError) -> Int {
        let start = data.count
        guard count <= Int(Int32.max) - start else {
            throw ParquetError(.unsupported, "a string column chunk over 2 GiB cannot be read into memory")
        }
        data.append(contentsOf: repeatElement(0, count: count))
        return start
    }

    /// Two passes: validate every length and sum them, then size `data` once and memcpy each value.
    private mutating func appendPlainByteArrays(
        _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?
    ) throws(ParquetError) -> Int {
        var position = 0
        var total = 0
        for row in 0..<rows where levels == nil || levels![row] != 0 {
            guard raw.count - position >= 4 else { throw .corrupt("byte array length runs past the page") }
            let length = Int(raw.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
            guard raw.count - position - 4 >= length else { throw .corrupt("byte array runs past the page") }
            position += 4 + length
            total += length
        }
        let start = try grow(by: total)
        offsets.reserveCapacity(offsets.count + rows)
        data.withUnsafeMutableBytes { dest in
            var p = 0
            var end = start
            for row in 0..<rows {
                if levels == nil || levels![row] != 0 {
                    let length = Int(raw.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
                    if length > 0 {
                        (dest.baseAddress! + end).copyMemory(from: raw.baseAddress! + p + 4, byteCount: length)
                    }
                    p += 4 + length
                    end += length
                }
                offsets.append(Int32(truncatingIfNeeded: end))
            }
        }
        return position
    }

    /// FIXED_LEN_BYTE_ARRAY values of `width` bytes back to back; a null row gets an empty value.
    private mutating func appendPlainFixedLength(
        _ width: Int, _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?, nonNull: Int
    ) throws(ParquetError) -> Int {
        guard nonNull <= rows, raw.count >= nonNull * width else { throw .corrupt("page is shorter than its values") }
        let start = try grow(by: nonNull * width)
        if nonNull > 0 {
            data.withUnsafeMutableBytes { dest in
                (dest.baseAddress! + start).copyMemory(from: raw.baseAddress!, byteCount: nonNull * width)
            }
        }
        offsets.reserveCapacity(offsets.count + rows)
        var end = start
        for row in 0..<rows {
            if levels == nil || levels![row] != 0 { end += width }
            offsets.append(Int32(truncatingIfNeeded: end))
        }
        guard end == start + nonNull * width else { throw .corrupt("page has a different number of values") }
        return nonNull * width
    }

    /// Bulk copy when there are no nulls, otherwise one unaligned load per non-null row.
    private static func appendFixed<T: BitwiseCopyable & Numeric>(
        _ out: inout [T], _ raw: UnsafeRawBufferPointer, rows: Int, levels: UnsafeBufferPointer<UInt32>?, nonNull: Int
    ) throws(ParquetError) -> Int {
        let size = MemoryLayout<T>.size
        guard raw.count >= nonNull * size else { throw .corrupt("page is shorter than its values") }
        if rows == 0 {
            return 0
        } else if levels == nil || nonNull == rows {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: rows))
            out.withUnsafeMutableBytes { dest in
                dest.baseAddress.map { ($0 + start * size).copyMemory(from: raw.baseAddress!, byteCount: rows * size) }
            }
        } else if let levels {
            var position = 0
            for row in 0..<rows {
                if levels[row] == 0 {
                    out.append(0)
                } else {
                    out.append(raw.loadUnaligned(fromByteOffset: position, as: T.self))
                    position += size
                }
            }
        }
        return nonNull * size
    }

    /// Appends rows whose non-null values are dictionary entries; indices were bounds-checked by the caller.
    mutating func appendGathered(
        _ dictionary: ColumnValues, indices: UnsafeBufferPointer<UInt32>, rows: Int,
        levels: UnsafeBufferPointer<UInt32>?
    ) throws(ParquetError) {
        var k = 0
        switch dictionary {
        case .int64(let dict):
            for row in 0..<rows {
                if let levels, levels[row] == 0 {
                    int64s.append(0)
                } else {
                    int64s.append(dict[Int(indices[k])])
                    k += 1
                }
            }
        case .int32(let dict):
            for row in 0..<rows {
                if let levels, levels[row] == 0 {
                    int32s.append(0)
                } else {
                    int32s.append(dict[Int(indices[k])])
                    k += 1
                }
            }
        case .double(let dict):
            for row in 0..<rows {
                if let levels, levels[row] == 0 {
                    doubles.append(0)
                } else {
                    doubles.append(dict[Int(indices[k])])
                    k += 1
                }
            }
        case .boolean(let dict):
            for row in 0..<rows {
                if let levels, levels[row] == 0 {
                    booleans.append(false)
                } else {
                    booleans.append(dict[Int(indices[k])])
                    k += 1
                }
            }
        case .byteArrays(let dict):
            try dict.offsets.withUnsafeBufferPointer { (entries) throws(ParquetError) in
                var total = 0
                for k in 0..<indices.count { total += Int(entries[Int(indices[k]) + 1] &- entries[Int(indices[k])]) }
                let start = try grow(by: total)
                var end = start
                data.withUnsafeMutableBytes { dest in
                    dict.bytes.withUnsafeBytes { source in
                        for row in 0..<rows {
                            if levels == nil || levels![row] != 0 {
                                let entry = Int(indices[k])
                                k += 1
                                let lower = Int(entries[entry])
                                let length = Int(entries[entry + 1]) - lower
                                if length > 0 {
                                    (dest.baseAddress! + end).copyMemory(
                                        from: source.baseAddress! + lower, byteCount: length)
                                }
                                end += length
                            }
                            offsets.append(Int32(truncatingIfNeeded: end))
                        }
                    }
                }
            }
        }
    }
}
