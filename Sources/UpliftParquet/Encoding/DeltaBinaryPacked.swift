/// DELTA_BINARY_PACKED (parquet-format Encodings.md, Encoding = 5) for INT32 and INT64 values.
///
/// Layout: a header `<block size> <miniblocks per block> <total value count> <first value>` (ULEB128,
/// the first value zigzag), then blocks of `<min delta (zigzag ULEB128)> <one bit-width byte per
/// miniblock> <miniblocks>`, each miniblock holding `delta - min delta` bit-packed little-endian (LSB
/// first), padded to a whole miniblock. Deltas wrap in the value's own width (two's complement), so
/// INT32 deltas never need more than 32 bits, which is what other readers (Arrow) insist on.
package enum DeltaBinaryPacked {
    /// What we write: the spec's recommended block of 128 values in 4 miniblocks of 32.
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let miniblockSize = blockSize / miniblocksPerBlock

    /// Encodes the non-null values of `rows` (an `.int32` or `.int64` column; other types write nothing,
    /// which the writer rules out when the schema is accepted).
    package static func encode(_ values: ColumnValues, rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]) {
        switch values {
        case .int32(let v): encodeRows(v, rows: rows, validity: validity, into: &out)
        case .int64(let v): encodeRows(v, rows: rows, validity: validity, into: &out)
        case .double, .boolean, .byteArrays: break
        }
    }

    private static func encodeRows<T: FixedWidthInteger & SignedInteger>(
        _ values: [T], rows: Range<Int>, validity: [Bool]?, into out: inout [UInt8]
    ) {
        guard let validity else {
            values.withUnsafeBufferPointer { encode(UnsafeBufferPointer(rebasing: $0[rows]), into: &out) }
            return
        }
        // Nulls carry no value (the definition levels say where they are): encode the others only.
        var present: [T] = []
        present.reserveCapacity(rows.count)
        for row in rows where validity[row] { present.append(values[row]) }
        present.withUnsafeBufferPointer { encode($0, into: &out) }
    }

    /// Encodes `values` as one DELTA_BINARY_PACKED run (one page's values).
    package static func encode<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>, into out: inout [UInt8]
    ) {
        let count = values.count
        ThriftCompactWriter.writeVarint(UInt64(blockSize), into: &out)
        ThriftCompactWriter.writeVarint(UInt64(miniblocksPerBlock), into: &out)
        ThriftCompactWriter.writeVarint(UInt64(count), into: &out)
        ThriftCompactWriter.writeVarint(zigzag(Int64(values.first ?? 0)), into: &out)
        guard count > 1 else { return }
        out.reserveCapacity(out.count + count * MemoryLayout<T>.size / 2)
        var relative = [UInt64](repeating: 0, count: blockSize)
        var i = 1
        while i < count {
            let n = min(blockSize, count - i)
            var minDelta = T.max
            for k in 0..<n { minDelta = min(minDelta, values[i + k] &- values[i + k - 1]) }
            for k in 0..<n {
                // Wrapping subtraction, read unsigned: the exact distance from the minimum, < 2^bitWidth.
                let delta = values[i + k] &- values[i + k - 1]
                relative[k] = UInt64(T.Magnitude(truncatingIfNeeded: delta &- minDelta))
            }
            ThriftCompactWriter.writeVarint(zigzag(Int64(minDelta)), into: &out)
            let widthsAt = out.count
            // Miniblocks past the last value keep width 0 and take no bytes, as the spec asks.
            out.append(contentsOf: repeatElement(0, count: miniblocksPerBlock))
            for m in 0..<miniblocksPerBlock where m * miniblockSize < n {
                let lower = m * miniblockSize
                let upper = min(n, lower + miniblockSize)
                var bits: UInt64 = 0
                for k in lower..<upper { bits |= relative[k] }
                let width = UInt64.bitWidth - bits.leadingZeroBitCount
                out[widthsAt + m] = UInt8(width)
                relative.withUnsafeBufferPointer {
                    pack(UnsafeBufferPointer(rebasing: $0[lower..<upper]), width: width, into: &out)
                }
            }
            i += n
        }
    }

    /// Appends one miniblock: `values` (at most a miniblock) at `width` bits each, zero padded to the full miniblock.
    private static func pack(_ values: UnsafeBufferPointer<UInt64>, width: Int, into out: inout [UInt8]) {
        guard width > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: miniblockSize * width / 8))
        out.withUnsafeMutableBytes { dest in
            for (j, value) in values.enumerated() {
                let bit = j * width
                var p = start + bit >> 3
                let shift = bit & 7
                if shift + width <= 64 && p + 8 <= dest.count {
                    let word = dest.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    dest.storeBytes(of: word | value << shift, toByteOffset: p, as: UInt64.self)
                    continue
                }
                // Near the end of the buffer, or a value spanning 9 bytes: byte by byte.
                var rest = value
                var used = shift
                var left = width
                while left > 0 {
                    dest[p] |= UInt8(truncatingIfNeeded: rest << used)
                    let took = 8 - used
                    rest >>= took
                    left -= took
                    used = 0
                    p += 1
                }
            }
        }
    }

    /// Decodes exactly `out.count` values from the start of `raw` and returns the bytes used.
    /// Every length, width and count is checked against the buffer, so damage is `.corrupt`, never a trap.
    package static func decode<T: FixedWidthInteger & SignedInteger>(
        _ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<T>
    ) throws(ParquetError) -> Int {
        var position = 0
        let blockSize = try readVarint(raw, &position)
        let miniblocks = try readVarint(raw, &position)
        let total = try readVarint(raw, &position)
        let first = unzigzag(try readVarint(raw, &position))
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= UInt64(UInt32.max), miniblocks > 0,
            blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0
        else { throw .corrupt("delta-encoded page has an invalid block size \(blockSize) / \(miniblocks) miniblocks") }
        let count = out.count
        guard total == UInt64(count) else {
            throw .corrupt("delta-encoded page declares \(total) values where its page holds \(count)")
        }
        guard count > 0 else { return position }
        guard var last = T(exactly: first) else {
            throw .corrupt("delta-encoded first value does not fit the column type")
        }
        out[0] = last
        let miniblockSize = Int(blockSize / miniblocks)
        let miniblockCount = Int(miniblocks)
        var i = 1
        while i < count {
            guard let minDelta = T(exactly: unzigzag(try readVarint(raw, &position))) else {
                throw .corrupt("delta-encoded minimum delta does not fit the column type")
            }
            guard raw.count - position >= miniblockCount else {
                throw .corrupt("delta-encoded bit widths run past the page")
            }
            let widthsAt = position
            position += miniblockCount
            for m in 0..<miniblockCount {
                guard i < count else { break }  // the widths of unused miniblocks may hold anything
                let width = Int(raw[widthsAt + m])
                guard width <= T.bitWidth else {
                    throw .corrupt("delta-encoded bit width \(width) exceeds \(T.bitWidth)")
                }
                let bytes = miniblockSize * width / 8
                guard raw.count - position >= bytes else {
                    throw .corrupt("delta-encoded miniblock runs past the page")
                }
                let n = min(miniblockSize, count - i)
                let miniblock = UnsafeRawBufferPointer(rebasing: raw[position..<position + bytes])
                if width == 0 {
                    for k in 0..<n {
                        last = last &+ minDelta
                        out[i + k] = last
                    }
                } else {
                    for k in 0..<n {
                        last = last &+ minDelta &+ T(truncatingIfNeeded: unpack(miniblock, index: k, width: width))
                        out[i + k] = last
                    }
                }
                i += n
                position += bytes
            }
        }
        return position
    }

    /// The `index`th `width`-bit value of a miniblock that holds all of them (checked by the caller).
    @inline(__always)
    private static func unpack(_ bytes: UnsafeRawBufferPointer, index: Int, width: Int) -> UInt64 {
        let bit = index * width
        let p = bit >> 3
        let shift = bit & 7
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) &- 1
        if shift + width <= 64 && p + 8 <= bytes.count {
            return bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self) >> UInt64(shift) & mask
        }
        var value: UInt64 = 0
        var got = 0
        var q = p
        var used = shift
        while got < width {
            value |= (UInt64(bytes[q]) >> UInt64(used)) << UInt64(got)  // `<<` past 63 yields 0, as wanted
            got += 8 - used
            used = 0
            q += 1
        }
        return value & mask
    }

    /// ULEB128 of at most 64 bits.
    private static func readVarint(_ raw: UnsafeRawBufferPointer, _ position: inout Int) throws(ParquetError) -> UInt64
    {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < raw.count else { throw .corrupt("delta-encoded page is truncated") }
            let byte = raw[position]
            position += 1
            guard shift < 63 || (shift == 63 && byte <= 1) else {
                throw .corrupt("delta-encoded varint overflows 64 bits")
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}
