package import UpliftModel
package import UpliftParquet

#if canImport(Glibc)
import Glibc
#endif

/// A growable column of byte strings with 64-bit offsets: a whole day of one column, which can pass
/// the 2 GiB a Parquet `ByteArrays` (Int32 offsets) addresses.
package struct ByteColumn: Sendable {
    package private(set) var bytes: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` is value `i`; `offsets[0] == 0`.
    package private(set) var offsets: [Int] = [0]

    package init() {}

    package var count: Int { offsets.count - 1 }

    /// Value `i` as text.
    package func string(at i: Int) -> String { String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self) }

    package mutating func reserveCapacity(values: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(offsets.count + values)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    package mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
    }

    package mutating func appendEmpty() {
        offsets.append(bytes.count)
    }

    /// Appends every value of a row group's column; a null row (per `validity`) becomes empty.
    package mutating func append(_ values: ByteArrays, validity: [Bool]?) {
        let base = bytes.count
        if let validity {
            for i in 0..<values.count {
                if validity[i] { bytes.append(contentsOf: values[i]) }
                offsets.append(bytes.count)
            }
        } else {
            bytes.append(contentsOf: values.bytes)
            offsets.reserveCapacity(offsets.count + values.count)
            for o in values.offsets.dropFirst() { offsets.append(base + Int(o)) }
        }
    }

    /// The values at `rows`, in that order, as one Parquet column chunk's byte arrays.
    package func gather(_ rows: ArraySlice<Int32>) throws(UpliftError) -> ByteArrays {
        var total = 0
        offsets.withUnsafeBufferPointer { off in
            for r in rows { total += off[Int(r) + 1] - off[Int(r)] }
        }
        guard total <= Int(Int32.max) else {
            throw UpliftError(.invalidInput, "a row group's strings exceed 2 GiB; lower the row group size")
        }
        var outOffsets = [Int32]()
        outOffsets.reserveCapacity(rows.count + 1)
        outOffsets.append(0)
        // Never `Array(unsafeUninitializedCapacity: 0)`: it stores the count into the standard library's
        // shared empty-array storage, a write every thread's empty arrays share (ThreadSanitizer reports it).
        guard total > 0 else {
            outOffsets.append(contentsOf: repeatElement(0, count: rows.count))
            return try assemble(outOffsets, [])
        }
        let out = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var at = 0
            bytes.withUnsafeBytes { src in
                offsets.withUnsafeBufferPointer { off in
                    for r in rows {
                        let start = off[Int(r)]
                        let n = off[Int(r) + 1] - start
                        if n > 0, let dst = buffer.baseAddress, let from = src.baseAddress {
                            memcpy(dst + at, from + start, n)
                        }
                        at += n
                        outOffsets.append(Int32(truncatingIfNeeded: at))
                    }
                }
            }
            initialized = at
        }
        return try assemble(outOffsets, out)
    }

    private func assemble(_ offsets: [Int32], _ bytes: [UInt8]) throws(UpliftError) -> ByteArrays {
        do { return try ByteArrays(offsets: offsets, bytes: bytes) } catch {
            throw UpliftError(.io, "cannot assemble a row group's strings", cause: error)
        }
    }
}

/// Byte-wise comparison of UTF-8 strings: shorter-prefix first, like `memcmp` then length.
@inline(__always)
func compareBytes(_ a: UnsafeRawPointer?, _ aCount: Int, _ b: UnsafeRawPointer?, _ bCount: Int) -> Int {
    let n = min(aCount, bCount)
    if n > 0, let a, let b {
        let c = memcmp(a, b, n)
        if c != 0 { return Int(c) }
    }
    return aCount == bCount ? 0 : (aCount < bCount ? -1 : 1)
}
