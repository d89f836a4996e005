/// A FlatBuffers object, for writing IPC metadata by hand in tests (damaged or unusual metadata that
/// pyarrow will not write). The encoder lays objects out front to back: a table's vtable, then the
/// table, then the objects its fields point to, so every offset points forwards as the format requires.
indirect enum FlatObject: Sendable {
    case table([FlatField])
    /// A string's bytes (not necessarily UTF-8) and the terminating zero.
    case string([UInt8])
    /// A vector of offsets to tables.
    case tables([FlatObject])
    /// A vector of inline structs, given as their raw bytes.
    case structs([UInt8], count: Int)

    static func text(_ value: String) -> FlatObject { .string(Array(value.utf8)) }
}

struct FlatField: Sendable {
    let id: Int
    let value: FlatValue

    init(_ id: Int, _ value: FlatValue) {
        self.id = id
        self.value = value
    }
}

enum FlatValue: Sendable {
    case uint8(UInt8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case object(FlatObject)

    var size: Int {
        switch self {
        case .uint8: 1
        case .int16: 2
        case .int32, .object: 4
        case .int64: 8
        }
    }
}

/// Encodes a `FlatObject` tree into a FlatBuffer, padded to a multiple of 8 bytes.
struct FlatBufferBuilder {
    private(set) var bytes: [UInt8] = []

    static func encode(_ root: FlatObject) -> [UInt8] {
        var builder = FlatBufferBuilder()
        builder.append(UInt32(0))
        let position = builder.write(root)
        builder.patch(0, UInt32(position))
        while builder.bytes.count % 8 != 0 { builder.bytes.append(0) }
        return builder.bytes
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch(_ position: Int, _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[position + index] = byte }
        }
    }

    /// Writes `object` at the end; returns where it starts (a table's start, a string's or vector's length).
    private mutating func write(_ object: FlatObject) -> Int {
        let start = bytes.count
        switch object {
        case .string(let value):
            append(UInt32(value.count))
            bytes.append(contentsOf: value)
            bytes.append(0)
            return start
        case .structs(let raw, let count):
            append(UInt32(count))
            bytes.append(contentsOf: raw)
            return start
        case .tables(let items):
            append(UInt32(items.count))
            let slots = bytes.count
            for _ in items { append(UInt32(0)) }
            for (index, item) in items.enumerated() {
                let slot = slots + 4 * index
                patch(slot, UInt32(write(item) - slot))
            }
            return start
        case .table(let fields):
            return writeTable(fields)
        }
    }

    private mutating func writeTable(_ fields: [FlatField]) -> Int {
        var offsets: [Int: Int] = [:]
        var inlineSize = 4
        for field in fields {
            offsets[field.id] = inlineSize
            inlineSize += field.value.size
        }
        let slotCount = (fields.map(\.id).max() ?? -1) + 1
        let vtable = bytes.count
        append(UInt16(4 + 2 * slotCount))
        append(UInt16(inlineSize))
        for id in 0..<slotCount { append(UInt16(offsets[id] ?? 0)) }
        let table = bytes.count
        append(Int32(table - vtable))
        for field in fields {
            switch field.value {
            case .uint8(let value): append(value)
            case .int16(let value): append(value)
            case .int32(let value): append(value)
            case .int64(let value): append(value)
            case .object: append(UInt32(0))
            }
        }
        for field in fields {
            guard case .object(let child) = field.value, let offset = offsets[field.id] else { continue }
            let slot = table + offset
            patch(slot, UInt32(write(child) - slot))
        }
        return table
    }
}
