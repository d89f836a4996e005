/// Encodes Thrift structs with the compact protocol straight into a byte buffer.
package enum ThriftCompactWriter {
    package static func encode(_ value: ThriftStruct) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        writeStruct(value, into: &out)
        return out
    }

    package static func writeStruct(_ value: ThriftStruct, into out: inout [UInt8]) {
        var lastID: Int16 = 0
        for (id, field) in value.fields {
            var nibble = field.type.rawValue
            if case .bool(let b) = field { nibble = b ? 1 : 2 }
            let delta = Int(id) - Int(lastID)
            if delta > 0 && delta <= 15 {
                out.append(UInt8(delta) << 4 | nibble)
            } else {
                out.append(nibble)
                writeVarint(zigzag(Int64(id)), into: &out)
            }
            lastID = id
            if case .bool = field { continue }  // the value lives in the type nibble
            writeValue(field, into: &out)
        }
        out.append(0)  // STOP
    }

    static func writeValue(_ value: ThriftValue, into out: inout [UInt8]) {
        switch value {
        case .bool(let b): out.append(b ? 1 : 2)  // only reached inside collections
        case .i8(let v): out.append(UInt8(bitPattern: v))
        case .i16(let v): writeVarint(zigzag(Int64(v)), into: &out)
        case .i32(let v): writeVarint(zigzag(Int64(v)), into: &out)
        case .i64(let v): writeVarint(zigzag(v), into: &out)
        case .double(let v):
            var bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
        case .binary(let bytes):
            writeVarint(UInt64(bytes.count), into: &out)
            out.append(contentsOf: bytes)
        case .list(let type, let items), .set(let type, let items):
            if items.count < 15 {
                out.append(UInt8(items.count) << 4 | type.rawValue)
            } else {
                out.append(0xF0 | type.rawValue)
                writeVarint(UInt64(items.count), into: &out)
            }
            for item in items { writeValue(item, into: &out) }
        case .map(let keyType, let valueType, let items):
            let pairs = items.count / 2
            writeVarint(UInt64(pairs), into: &out)
            if pairs > 0 { out.append(keyType.rawValue << 4 | valueType.rawValue) }
            for item in items.prefix(pairs * 2) { writeValue(item, into: &out) }
        case .structure(let s): writeStruct(s, into: &out)
        }
    }

    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }

    @inline(__always)
    package static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
