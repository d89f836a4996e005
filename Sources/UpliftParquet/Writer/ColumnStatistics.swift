/// Min / max / null count of a column chunk, in the PLAIN form parquet.thrift wants for min_value and
/// max_value (TypeDefinedOrder: signed for integers, IEEE for doubles without NaN, unsigned bytes for strings).
package enum ColumnStatistics {
    package static func compute(
        _ values: ColumnValues, validity: [Bool]?, dictionaryRows: [Int]?, maxSize: Int
    ) -> StatisticsMeta {
        let rows = values.count
        let nullCount = validity.map { v in v.lazy.filter { !$0 }.count } ?? 0
        // With a dictionary the distinct values are enough: every non-null row is one of them.
        let candidates: [Int]? = dictionaryRows
        func forEachRow(_ body: (Int) -> Void) {
            if let candidates {
                for row in candidates { body(row) }
            } else if let validity {
                for row in 0..<rows where validity[row] { body(row) }
            } else {
                for row in 0..<rows { body(row) }
            }
        }
        var minBytes: [UInt8]?
        var maxBytes: [UInt8]?
        switch values {
        case .int32(let v):
            var lo = Int32.max
            var hi = Int32.min
            var any = false
            forEachRow {
                lo = min(lo, v[$0])
                hi = max(hi, v[$0])
                any = true
            }
            if any {
                minBytes = plain(lo)
                maxBytes = plain(hi)
            }
        case .int64(let v):
            var lo = Int64.max
            var hi = Int64.min
            var any = false
            forEachRow {
                lo = min(lo, v[$0])
                hi = max(hi, v[$0])
                any = true
            }
            if any {
                minBytes = plain(lo)
                maxBytes = plain(hi)
            }
        case .double(let v):
            var lo = Double.infinity
            var hi = -Double.infinity
            var any = false
            forEachRow { row in
                let x = v[row]
                guard !x.isNaN else { return }
                lo = min(lo, x)
                hi = max(hi, x)
                any = true
            }
            // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum.
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            if any {
                minBytes = plain(lo)
                maxBytes = plain(hi)
            }
        case .boolean(let v):
            var lo = true
            var hi = false
            var any = false
            forEachRow {
                lo = lo && v[$0]
                hi = hi || v[$0]
                any = true
            }
            if any {
                minBytes = [lo ? 1 : 0]
                maxBytes = [hi ? 1 : 0]
            }
        case .byteArrays(let v):
            var lo = -1
            var hi = -1
            v.bytes.withUnsafeBufferPointer { bytes in
                func slice(_ row: Int) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: bytes[Int(v.offsets[row])..<Int(v.offsets[row + 1])])
                }
                forEachRow { row in
                    if lo < 0 || slice(row).lexicographicallyPrecedes(slice(lo)) { lo = row }
                    if hi < 0 || slice(hi).lexicographicallyPrecedes(slice(row)) { hi = row }
                }
            }
            // Long values would bloat every footer; without them readers simply cannot prune on this chunk.
            if lo >= 0, v.length(at: lo) <= maxSize, v.length(at: hi) <= maxSize {
                minBytes = Array(v[lo])
                maxBytes = Array(v[hi])
            }
        }
        return StatisticsMeta(nullCount: Int64(nullCount), minValue: minBytes, maxValue: maxBytes)
    }

    private static func plain<T: BitwiseCopyable>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
