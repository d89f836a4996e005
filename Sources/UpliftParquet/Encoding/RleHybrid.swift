/// The RLE / bit-packed hybrid encoding used for definition levels and dictionary indices.
///
/// Runs of 8 or more equal values become RLE runs; everything else is bit-packed in groups of 8, LSB first.
/// Literal runs are kept to 63 groups so each header fits one byte, as parquet-mr and Arrow do.
package enum RleHybrid {
    /// The number of bits needed for values `0 ..< count`, at least 1.
    package static func bitWidth(forCount count: Int) -> Int {
        count <= 2 ? 1 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    package static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        precondition(bitWidth >= 1 && bitWidth <= 32, "bit width is chosen by the writer")
        let n = values.count
        var literalStart = 0
        var i = 0
        while i < n {
            let value = values[i]
            var j = i + 1
            while j < n && values[j] == value { j += 1 }
            var runStart = i
            if j - i >= 8 {
                let pending = (i - literalStart) % 8
                if pending != 0 {
                    // Literal runs must hold whole groups of 8, so the run lends values to the literals.
                    let borrow = 8 - pending
                    guard j - i - borrow >= 8 else {
                        i = j
                        continue
                    }
                    runStart += borrow
                }
                writeLiterals(values, literalStart..<runStart, bitWidth: bitWidth, into: &out)
                writeRun(value: value, count: j - runStart, bitWidth: bitWidth, into: &out)
                literalStart = j
            }
            i = j
        }
        writeLiterals(values, literalStart..<n, bitWidth: bitWidth, into: &out)
    }

    private static func writeRun(value: UInt32, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        ThriftCompactWriter.writeVarint(UInt64(count) << 1, into: &out)
        var v = value
        for _ in 0..<(bitWidth + 7) / 8 {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Bit-packs `range`, padding the last group with zeros (only the final run of a page can be short).
    private static func writeLiterals(
        _ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, bitWidth: Int, into out: inout [UInt8]
    ) {
        var start = range.lowerBound
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
        while start < range.upperBound {
            let count = min(range.upperBound - start, 63 * 8)
            let groups = (count + 7) / 8
            ThriftCompactWriter.writeVarint(UInt64(groups) << 1 | 1, into: &out)
            var acc: UInt64 = 0
            var bits = 0
            for k in 0..<groups * 8 {
                let v = k < count ? UInt64(values[start + k]) & mask : 0
                acc |= v << UInt64(bits)
                bits += bitWidth
                while bits >= 8 {
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc >>= 8
                    bits -= 8
                }
            }
            start += count
        }
    }

    /// Decodes exactly `out.count` values from `bytes`; returns how many bytes were used.
    /// Values wider than `bitWidth`, short input and malformed headers throw `.corrupt`.
    @discardableResult
    package static func decode(
        _ bytes: UnsafeRawBufferPointer, bitWidth: Int, into out: UnsafeMutableBufferPointer<UInt32>
    ) throws(ParquetError) -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw .corrupt("RLE bit width \(bitWidth) is out of range") }
        let count = out.count
        let end = bytes.count
        let limit: UInt64 = bitWidth == 32 ? UInt64(UInt32.max) : (1 << UInt64(bitWidth)) - 1
        var pos = 0
        var produced = 0
        while produced < count {
            var header: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < end, shift < 35 else { throw .corrupt("RLE run header is truncated or too long") }
                let b = bytes[pos]
                pos += 1
                header |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            if header & 1 == 0 {
                let run = Int(header >> 1)
                let width = (bitWidth + 7) / 8
                guard run > 0, end - pos >= width else { throw .corrupt("RLE run is empty or truncated") }
                var value: UInt64 = 0
                for k in 0..<width { value |= UInt64(bytes[pos + k]) << UInt64(8 * k) }
                pos += width
                guard value <= limit else { throw .corrupt("RLE value wider than its bit width") }
                let n = min(run, count - produced)
                (out.baseAddress! + produced).update(repeating: UInt32(value), count: n)
                produced += n
            } else {
                let values = Int(header >> 1) * 8
                let n = min(values, count - produced)
                guard values > 0, end - pos >= values * bitWidth / 8 else {
                    throw .corrupt("bit-packed run is empty or truncated")
                }
                var acc: UInt64 = 0
                var bits = 0
                var p = pos
                for k in 0..<n {
                    while bits < bitWidth {
                        acc |= UInt64(bytes[p]) << UInt64(bits)
                        p += 1
                        bits += 8
                    }
                    out[produced + k] = UInt32(truncatingIfNeeded: acc & limit)
                    acc >>= UInt64(bitWidth)
                    bits -= bitWidth
                }
                produced += n
                pos += values * bitWidth / 8
            }
        }
        return pos
    }
}
