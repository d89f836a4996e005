/// A Thrift value as the compact protocol carries it. The footer and page headers are small, so a generic
/// tree (decoded once, then mapped onto typed structs) keeps the codec short and the decoder strict.
package indirect enum ThriftValue: Sendable, Hashable {
    case bool(Bool)
    case i8(Int8)
    case i16(Int16)
    case i32(Int32)
    case i64(Int64)
    case double(Double)
    case binary([UInt8])
    case list(ThriftType, [ThriftValue])
    case set(ThriftType, [ThriftValue])
    case map(ThriftType, ThriftType, [ThriftValue])
    case structure(ThriftStruct)

    var type: ThriftType {
        switch self {
        case .bool: .bool
        case .i8: .i8
        case .i16: .i16
        case .i32: .i32
        case .i64: .i64
        case .double: .double
        case .binary: .binary
        case .list: .list
        case .set: .set
        case .map: .map
        case .structure: .structure
        }
    }

    static func string(_ s: String) -> ThriftValue { .binary(Array(s.utf8)) }
}

/// Compact protocol type ids (booleans in field headers use 1 = true, 2 = false).
package enum ThriftType: UInt8, Sendable, Hashable {
    case bool = 1
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
}

/// A struct: fields in ascending id order.
package struct ThriftStruct: Sendable, Hashable {
    package var fields: [(id: Int16, value: ThriftValue)]

    package init(_ fields: [(id: Int16, value: ThriftValue)] = []) {
        self.fields = fields
    }

    package static func == (a: ThriftStruct, b: ThriftStruct) -> Bool {
        a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.id == $1.id && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.id)
            hasher.combine(field.value)
        }
    }

    /// Appends a field when the value is present; keeps call sites for optional fields one line.
    package mutating func add(_ id: Int16, _ value: ThriftValue?) {
        if let value { fields.append((id, value)) }
    }

    package subscript(id: Int16) -> ThriftValue? {
        fields.first { $0.id == id }?.value
    }

    // Typed accessors are strict about the wire type: a bit flip that turns an i32 into an i16 must not pass.

    package func i32(_ id: Int16, _ what: String) throws(ParquetError) -> Int32? {
        switch self[id] {
        case nil: return nil
        case .i32(let v): return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func requiredI32(_ id: Int16, _ what: String) throws(ParquetError) -> Int32 {
        guard let v = try i32(id, what) else { throw .corrupt("\(what) is missing") }
        return v
    }

    package func i64(_ id: Int16, _ what: String) throws(ParquetError) -> Int64? {
        switch self[id] {
        case nil: return nil
        case .i64(let v): return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func requiredI64(_ id: Int16, _ what: String) throws(ParquetError) -> Int64 {
        guard let v = try i64(id, what) else { throw .corrupt("\(what) is missing") }
        return v
    }

    package func bool(_ id: Int16, _ what: String) throws(ParquetError) -> Bool? {
        switch self[id] {
        case nil: return nil
        case .bool(let v): return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func binary(_ id: Int16, _ what: String) throws(ParquetError) -> [UInt8]? {
        switch self[id] {
        case nil: return nil
        case .binary(let v): return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func string(_ id: Int16, _ what: String) throws(ParquetError) -> String? {
        guard let bytes = try binary(id, what) else { return nil }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .corrupt("\(what) is not valid UTF-8") }
        return s
    }

    package func structure(_ id: Int16, _ what: String) throws(ParquetError) -> ThriftStruct? {
        switch self[id] {
        case nil: return nil
        case .structure(let v): return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func requiredStructure(_ id: Int16, _ what: String) throws(ParquetError) -> ThriftStruct {
        guard let v = try structure(id, what) else { throw .corrupt("\(what) is missing") }
        return v
    }

    package func list(_ id: Int16, _ what: String, of type: ThriftType) throws(ParquetError) -> [ThriftValue]? {
        switch self[id] {
        case nil: return nil
        case .list(let t, let v) where t == type: return v
        default: throw .corrupt("\(what) has the wrong Thrift type")
        }
    }

    package func structList(_ id: Int16, _ what: String) throws(ParquetError) -> [ThriftStruct]? {
        guard let items = try list(id, what, of: .structure) else { return nil }
        var result: [ThriftStruct] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard case .structure(let s) = item else { throw .corrupt("\(what) has the wrong Thrift type") }
            result.append(s)
        }
        return result
    }
}
