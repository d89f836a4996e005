import Synchronization
package import UpliftStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings interned to dense codes for one project: event names and distinct ids. Codes never
/// change once given, so decoded blocks stay valid while new segments add new strings.
///
/// Values are kept as UTF-8 bytes in an `InternTable` (a fast hash over the bytes, no `String` per
/// lookup): a segment's column is interned straight from its inflated bytes. `String`s are made
/// only when asked for (`string(_:)`, `strings()`), once per code.
package final class ProjectDictionary: Sendable {
    private struct State {
        let table = InternTable()
        /// `String`s of codes `0 ..< strings.count`, made on demand (or kept from `intern(_: [String])`).
        var strings: [String] = []

        mutating func materialise() {
            guard strings.count < table.count else { return }
            strings.reserveCapacity(table.count)
            for code in strings.count..<table.count { strings.append(table.string(code)) }
        }
    }
    private let state = Mutex(State())
    /// Bits of the hash kept: 64, or fewer in tests that force collisions.
    private let hashMask: UInt64

    package init() { hashMask = ~0 }

    /// A dictionary that keeps only the low `hashBits` bits of each hash, so that most values collide
    /// (tests: equal hashes must still tell values apart by their bytes).
    package init(hashBits: Int) {
        precondition((0...64).contains(hashBits), "a hash has 0 to 64 bits")
        hashMask = hashBits == 64 ? ~0 : (1 << UInt64(hashBits)) - 1
    }

    package var count: Int { state.withLock { $0.table.count } }

    private func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { ByteHash.hash(bytes) & hashMask }

    /// The code of each string, adding the new ones (one lock for the whole list).
    package func intern(_ list: [String]) -> [Int32] {
        state.withLock { s in
            list.map { string in
                let known = s.table.count
                var utf8 = string
                let code = utf8.withUTF8 { utf8 in
                    let bytes = UnsafeRawBufferPointer(utf8)
                    return s.table.intern(bytes, hash: hash(bytes))
                }
                // A new code right after the materialised ones: keep the String we hold.
                if Int(code) == known && s.strings.count == known { s.strings.append(string) }
                return code
            }
        }
    }

    package func intern(_ string: String) -> Int32 { intern([string])[0] }

    /// The code of every value, adding the new ones; with `selected`, only of the values it flags (the
    /// others get code -1 and are not interned). Runs of equal values (a PLAIN distinct-id chunk of a
    /// segment sorted by distinct id) are found by comparing each value with the one before, and their
    /// hashes are computed before taking the lock: under the lock, one table probe per run.
    package func intern(_ values: StringBytes, selected: [Bool]? = nil) -> [Int32] {
        let n = values.count
        guard n > 0 else { return [] }
        precondition(selected.map { $0.count == n } ?? true, "one flag per value")
        // Runs: selected value i starts a new run when its bytes differ from the previous selected value's.
        var runStarts: [Int32] = []
        var runHashes: [UInt64] = []
        values.withUnsafeSlices { bytes, offsets in
            var previous: Range<Int>? = nil
            for i in 0..<n where selected?[i] ?? true {
                let range = Int(offsets[i])..<Int(offsets[i + 1])
                if let previous,
                    range.count == previous.count
                        && (range.isEmpty
                            || memcmp(
                                bytes.baseAddress! + range.lowerBound,
                                bytes.baseAddress! + previous.lowerBound, range.count) == 0)
                {
                    continue
                }
                runStarts.append(Int32(i))
                runHashes.append(hash(UnsafeRawBufferPointer(rebasing: bytes[range])))
                previous = range
            }
        }
        let runCodes: [Int32] = state.withLock { s in
            values.withUnsafeSlices { bytes, offsets in
                runHashes.withUnsafeBufferPointer { hashes in
                    s.table.intern(count: runStarts.count, hashes: hashes) { r in
                        let i = Int(runStarts[r])
                        return UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
                    }
                }
            }
        }
        if runCodes.count == n { return runCodes }
        var codes = [Int32](repeating: -1, count: n)
        runStarts.append(Int32(n))
        for r in runCodes.indices {
            for i in Int(runStarts[r])..<Int(runStarts[r + 1]) where selected?[i] ?? true { codes[i] = runCodes[r] }
        }
        return codes
    }

    /// The code of a string already interned, nil otherwise (a query for an event never stored).
    package func code(of string: String) -> Int32? { codes(of: [string])[0] }

    package func string(_ code: Int32) -> String {
        state.withLock { s in Int(code) < s.strings.count ? s.strings[Int(code)] : s.table.string(Int(code)) }
    }

    /// Every string, indexed by code (a copy, for loops that must not take the lock per row).
    package func strings() -> [String] {
        state.withLock { s in
            s.materialise()
            return s.strings
        }
    }
}

/// The two dictionaries of a project.
package struct ProjectDictionaries: Sendable {
    package let events = ProjectDictionary()
    package let distinctIDs = ProjectDictionary()
    package init() {}
}

extension ProjectDictionary {
    /// The codes of strings already interned (nil for the others), under one lock.
    package func codes(of list: [String]) -> [Int32?] {
        state.withLock { s in
            list.map { string in
                var string = string
                return string.withUTF8 { utf8 in
                    let bytes = UnsafeRawBufferPointer(utf8)
                    return s.table.code(of: bytes, hash: hash(bytes))
                }
            }
        }
    }
}
