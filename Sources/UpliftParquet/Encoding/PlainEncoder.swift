#if _endian(big)
#error("UpliftParquet copies little-endian values straight from memory; big-endian hosts need byte swapping")
#endif

/// PLAIN encoding of the non-null values of a row range, appended to a page buffer.
package enum PlainEncoder {
    package static func encode(_ values: ColumnValues, rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]) {
        switch values {
        case .int32(let v): appendFixed(v, rows: rows, validity: validity, into: &out)
        case .int64(let v): appendFixed(v, rows: rows, validity: validity, into: &out)
        case .double(let v): appendFixed(v, rows: rows, validity: validity, into: &out)
        case .boolean(let v): appendBooleans(v, rows: rows, validity: validity, into: &out)
        case .byteArrays(let v): appendByteArrays(v, rows: rows, validity: validity, into: &out)
        }
    }

    /// PLAIN FIXED_LEN_BYTE_ARRAY: the non-null values' bytes back to back, no length prefixes (each value
    /// already has the column's fixed length).
    package static func encodeFixedLength(
        _ values: ByteArrays, rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]
    ) {
        guard let validity else {
            let lower = Int(values.offsets[rows.lowerBound])
            let upper = Int(values.offsets[rows.upperBound])
            out.append(contentsOf: values.bytes[lower..<upper])
            return
        }
        for row in rows where validity[row] { out.append(contentsOf: values[row]) }
    }

    private static func appendFixed<T: BitwiseCopyable>(
        _ values: [T], rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]
    ) {
        values.withUnsafeBufferPointer { buffer in
            guard let validity else {
                // No nulls: the in-memory little-endian layout is the PLAIN encoding.
                out.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[rows])))
                return
            }
            out.reserveCapacity(out.count + rows.count * MemoryLayout<T>.size)
            for row in rows where validity[row] {
                withUnsafeBytes(of: buffer[row]) { out.append(contentsOf: $0) }
            }
        }
    }

    private static func appendBooleans(_ values: [Bool], rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]) {
        var acc: UInt8 = 0
        var bits: UInt8 = 0
        for row in rows where validity?[row] ?? true {
            if values[row] { acc |= 1 << bits }
            bits += 1
            if bits == 8 {
                out.append(acc)
                acc = 0
                bits = 0
            }
        }
        if bits > 0 { out.append(acc) }
    }

    private static func appendByteArrays(
        _ values: ByteArrays, rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]
    ) {
        values.offsets.withUnsafeBufferPointer { offsets in
            values.bytes.withUnsafeBytes { bytes in
                var total = Int(offsets[rows.upperBound]) - Int(offsets[rows.lowerBound]) + 4 * rows.count
                if let validity {
                    total = 0
                    for row in rows where validity[row] { total += 4 + Int(offsets[row + 1] &- offsets[row]) }
                }
                // Size the buffer once and copy with memcpy: per-value appends dominated the profile.
                let start = out.count
                out.append(contentsOf: repeatElement(0, count: total))
                out.withUnsafeMutableBytes { dest in
                    var p = start
                    for row in rows where validity?[row] ?? true {
                        let lower = Int(offsets[row])
                        let length = Int(offsets[row + 1]) - lower
                        dest.storeBytes(of: UInt32(length).littleEndian, toByteOffset: p, as: UInt32.self)
                        p += 4
                        if length > 0 {
                            (dest.baseAddress! + p).copyMemory(from: bytes.baseAddress! + lower, byteCount: length)
                        }
                        p += length
                    }
                }
            }
        }
    }
}
