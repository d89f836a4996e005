package import UpliftModel

/// One field as `ProtoReader.next()` read it: its number and its raw value.
///
/// The typed accessors check the wire type against what the `.proto` declares and refuse a mismatch
/// with `.corrupt`, naming the message and field: a known field of the wrong type means the bytes
/// are not the message they claim to be.
package struct ProtoField: Sendable {
    package enum Value: Sendable, Hashable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    package let number: Int
    package let value: Value
    /// Where the field's key starts, from the start of the outermost message.
    package let offset: Int
    let origin: Int
    let depth: Int
    let context: String

    package var wireType: ProtoWireType {
        switch value {
        case .varint: .varint
        case .fixed64: .fixed64
        case .lengthDelimited: .lengthDelimited
        case .fixed32: .fixed32
        }
    }

    // MARK: Varint types

    /// `uint64`, or the raw varint of any varint type.
    package func uint64() throws(UpliftError) -> UInt64 {
        guard case .varint(let raw) = value else { throw mismatch(.varint) }
        return raw
    }

    package func int64() throws(UpliftError) -> Int64 {
        Int64(bitPattern: try uint64())
    }

    /// `int32`: the low 32 bits, as protobuf parsers take them (negative values arrive sign-extended).
    package func int32() throws(UpliftError) -> Int32 {
        Int32(truncatingIfNeeded: try uint64())
    }

    package func uint32() throws(UpliftError) -> UInt32 {
        UInt32(truncatingIfNeeded: try uint64())
    }

    package func sint64() throws(UpliftError) -> Int64 {
        let raw = try uint64()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    package func sint32() throws(UpliftError) -> Int32 {
        Int32(truncatingIfNeeded: try sint64())
    }

    /// `bool`: any nonzero varint is true.
    package func bool() throws(UpliftError) -> Bool {
        try uint64() != 0
    }

    /// An enum field's number; values the reader does not know are kept, as proto3 does.
    package func enumValue() throws(UpliftError) -> Int32 {
        try int32()
    }

    // MARK: Fixed-width types

    package func fixed32() throws(UpliftError) -> UInt32 {
        guard case .fixed32(let raw) = value else { throw mismatch(.fixed32) }
        return raw
    }

    package func fixed64() throws(UpliftError) -> UInt64 {
        guard case .fixed64(let raw) = value else { throw mismatch(.fixed64) }
        return raw
    }

    package func double() throws(UpliftError) -> Double {
        Double(bitPattern: try fixed64())
    }

    package func float() throws(UpliftError) -> Float {
        Float(bitPattern: try fixed32())
    }

    // MARK: Length-delimited types

    /// The field's bytes, as a view into the message's buffer (no copy).
    package func byteSlice() throws(UpliftError) -> ArraySlice<UInt8> {
        guard case .lengthDelimited(let slice) = value else { throw mismatch(.lengthDelimited) }
        return slice
    }

    package func bytes() throws(UpliftError) -> [UInt8] {
        Array(try byteSlice())
    }

    /// A `string`, which proto3 requires to be valid UTF-8.
    package func string() throws(UpliftError) -> String {
        let slice = try byteSlice()
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw UpliftError(
                .corrupt,
                "invalid protobuf in \(context): string field \(number) is not valid UTF-8 (at byte \(offset))")
        }
        return text
    }

    /// A reader over a nested message; `name` (the field's name in the `.proto`) extends the context.
    package func message(_ name: String) throws(UpliftError) -> ProtoReader {
        let slice = try byteSlice()
        guard depth < ProtoReader.maxDepth else {
            throw UpliftError(
                .corrupt,
                "invalid protobuf in \(context): messages nested more than \(ProtoReader.maxDepth) deep "
                    + "(at byte \(offset))")
        }
        return ProtoReader(slice, context: "\(context).\(name)", origin: origin, depth: depth + 1)
    }

    /// One entry of a `map<string, string>`: key in field 1, value in field 2, either one missing
    /// meaning `""`, the last of repeated ones winning (protobuf's merge rules).
    package func stringMapEntry(_ name: String) throws(UpliftError) -> (key: String, value: String) {
        var reader = try message(name)
        var key = ""
        var value = ""
        while let field = try reader.next() {
            switch field.number {
            case 1: key = try field.string()
            case 2: value = try field.string()
            default: break
            }
        }
        return (key, value)
    }

    private func mismatch(_ expected: ProtoWireType) -> UpliftError {
        UpliftError(
            .corrupt,
            "invalid protobuf in \(context): field \(number) has wire type \(wireType) where \(expected) is expected "
                + "(at byte \(offset))")
    }
}
