/// Decodes compact-protocol Thrift from untrusted bytes. Every length is checked against the bytes that
/// remain and nesting is bounded, so damaged input yields `.corrupt`, never a trap or a huge allocation.
package struct ThriftCompactReader {
    private let bytes: [UInt8]
    package private(set) var position: Int
    private let end: Int
    private static let maxDepth = 32

    package init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// Decodes one struct starting at `start`; returns it and the offset just past it.
    package static func decodeStruct(
        _ bytes: [UInt8], from start: Int = 0, to end: Int? = nil
    ) throws(ParquetError) -> (ThriftStruct, end: Int) {
        var reader = ThriftCompactReader(bytes, from: start, to: end)
        let value = try reader.readStruct(depth: 0)
        return (value, reader.position)
    }

    mutating func readStruct(depth: Int) throws(ParquetError) -> ThriftStruct {
        guard depth < Self.maxDepth else { throw .corrupt("Thrift structures nest too deeply") }
        var result = ThriftStruct()
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return result }
            let nibble = header & 0x0F
            let delta = header >> 4
            let id: Int16
            if delta != 0 {
                let next = Int(lastID) + Int(delta)
                guard next <= Int(Int16.max) else { throw .corrupt("Thrift field id out of range") }
                id = Int16(next)
            } else {
                let raw = try readZigzag()
                guard let narrow = Int16(exactly: raw) else { throw .corrupt("Thrift field id out of range") }
                id = narrow
            }
            lastID = id
            let value: ThriftValue
            switch nibble {
            case 1: value = .bool(true)
            case 2: value = .bool(false)
            default: value = try readValue(type: try Self.type(nibble), depth: depth + 1)
            }
            result.fields.append((id, value))
        }
    }

    private static func type(_ nibble: UInt8) throws(ParquetError) -> ThriftType {
        guard let type = ThriftType(rawValue: nibble) else { throw .corrupt("unknown Thrift type \(nibble)") }
        return type
    }

    private mutating func readValue(type: ThriftType, depth: Int) throws(ParquetError) -> ThriftValue {
        switch type {
        case .bool:
            // Inside collections a bool is a byte: 1 is true; 0 and 2 are false (both are seen in the wild).
            let b = try readByte()
            guard b <= 2 else { throw .corrupt("bad Thrift boolean") }
            return .bool(b == 1)
        case .i8: return .i8(Int8(bitPattern: try readByte()))
        case .i16:
            guard let v = Int16(exactly: try readZigzag()) else { throw .corrupt("Thrift i16 out of range") }
            return .i16(v)
        case .i32:
            guard let v = Int32(exactly: try readZigzag()) else { throw .corrupt("Thrift i32 out of range") }
            return .i32(v)
        case .i64: return .i64(try readZigzag())
        case .double:
            guard end - position >= 8 else { throw .corrupt("Thrift double runs past the end") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            return .double(Double(bitPattern: bits))
        case .binary:
            let length = try readLength()
            let value = Array(bytes[position..<position + length])
            position += length
            return .binary(value)
        case .list, .set:
            let header = try readByte()
            var count = Int(header >> 4)
            if count == 15 { count = try readLength() }
            guard count <= end - position else { throw .corrupt("Thrift list longer than the remaining bytes") }
            let elementType = try Self.type(header & 0x0F == 2 ? 1 : header & 0x0F)
            guard depth < Self.maxDepth else { throw .corrupt("Thrift structures nest too deeply") }
            var items: [ThriftValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try readValue(type: elementType, depth: depth + 1)) }
            return type == .list ? .list(elementType, items) : .set(elementType, items)
        case .map:
            let count = try readLength()
            guard count > 0 else { return .map(.binary, .binary, []) }
            let types = try readByte()
            let keyType = try Self.type(types >> 4)
            let valueType = try Self.type(types & 0x0F)
            guard count <= (end - position) / 2 else { throw .corrupt("Thrift map longer than the remaining bytes") }
            guard depth < Self.maxDepth else { throw .corrupt("Thrift structures nest too deeply") }
            var items: [ThriftValue] = []
            items.reserveCapacity(count * 2)
            for _ in 0..<count {
                items.append(try readValue(type: keyType, depth: depth + 1))
                items.append(try readValue(type: valueType, depth: depth + 1))
            }
            return .map(keyType, valueType, items)
        case .structure:
            return .structure(try readStruct(depth: depth))
        }
    }

    /// A varint length that must fit in the remaining bytes.
    private mutating func readLength() throws(ParquetError) -> Int {
        let raw = try readVarint()
        guard raw <= UInt64(end - position) else { throw .corrupt("Thrift length runs past the end") }
        return Int(raw)
    }

    private mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < end else { throw .corrupt("Thrift data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readZigzag() throws(ParquetError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64, shift < 63 || byte <= 1 else { throw .corrupt("Thrift varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
