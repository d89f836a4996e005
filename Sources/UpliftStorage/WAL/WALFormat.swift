import UpliftModel

/// The on-disk format of the write-ahead log.
///
/// A log is a directory of files `wal-<16 lowercase hex digits>.log`, in sequence order. Each
/// file starts with an 8-byte header (`UPLWAL\0` + format version) followed by records:
/// `u32 LE payload length | u32 LE CRC32C(length bytes ++ payload) | payload`.
/// The checksum covers the length so that a torn or flipped length is detected, not trusted.
package enum WALFormat {
    package static let magic: [UInt8] = Array("UPLWAL".utf8) + [0]
    package static let version: UInt8 = 1
    package static let header: [UInt8] = magic + [version]
    package static let headerSize = 8
    package static let recordHeaderSize = 8
    /// Longer lengths are treated as corruption: no event batch comes near it.
    package static let maxPayloadBytes = 64 << 20

    package static func fileName(sequence: UInt64) -> String {
        let hex = String(sequence, radix: 16)
        return "wal-" + String(repeating: "0", count: 16 - hex.count) + hex + ".log"
    }

    /// The sequence number of a log file name, or nil for any other file.
    package static func sequence(fileName name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log") else { return nil }
        let hex = name.dropFirst(4).dropLast(4)
        guard hex.count == 16, hex.allSatisfy(\.isHexDigit), hex.lowercased() == hex else { return nil }
        return UInt64(hex, radix: 16)
    }

    /// The checksum stored in a record: CRC32C over the 4 length bytes, then the payload.
    package static func recordChecksum(length: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        var le = length.littleEndian
        let head = withUnsafeBytes(of: &le) { CRC32C.update(0, $0) }
        return CRC32C.update(head, payload)
    }

    /// Encodes payloads as consecutive records in one buffer, ready for a single write.
    /// Runs on the caller's task so that checksumming is spread over cores, not on the writer.
    static func encode(_ payloads: [[UInt8]]) throws(UpliftError) -> [UInt8] {
        var total = 0
        for (index, payload) in payloads.enumerated() {
            guard payload.count <= maxPayloadBytes else {
                throw UpliftError(
                    .tooLarge,
                    "write-ahead log payload \(index) is \(payload.count) bytes; the limit is \(maxPayloadBytes) bytes. "
                        + "Split it into smaller records."
                )
            }
            total += recordHeaderSize + payload.count
        }
        // No `Array(unsafeUninitializedCapacity: 0)`: see `ByteColumn.gather`.
        guard total > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = UnsafeMutableRawPointer(buffer.baseAddress) else {
                initialized = 0
                return
            }
            var offset = 0
            for payload in payloads {
                let length = UInt32(payload.count)
                payload.withUnsafeBytes { bytes in
                    let crc = recordChecksum(length: length, payload: bytes)
                    base.storeBytes(of: length.littleEndian, toByteOffset: offset, as: UInt32.self)
                    base.storeBytes(of: crc.littleEndian, toByteOffset: offset + 4, as: UInt32.self)
                    if let source = bytes.baseAddress {
                        (base + offset + recordHeaderSize).copyMemory(from: source, byteCount: bytes.count)
                    }
                }
                offset += recordHeaderSize + payload.count
            }
            initialized = total
        }
    }
}
