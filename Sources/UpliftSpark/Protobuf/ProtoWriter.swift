/// Appends protobuf fields to a byte buffer, in the order they are written.
///
/// Every field method writes its field unconditionally. Proto3 leaves out a field with implicit
/// presence (`string session_id = 1;`) when it holds its default (`""`, `0`, `false`), while a field
/// marked `optional` is written whenever it is set, even to its default; the message encoders make
/// that choice per field, with the `.proto` declaration beside it. Writing fields in ascending number
/// order gives the same bytes as protobuf's own serializers.
package struct ProtoWriter: Sendable {
    package private(set) var bytes: [UInt8]

    package init() {
        bytes = []
    }

    // MARK: Raw encodings

    /// A base-128 varint: seven bits a byte, least significant first, high bit set on all but the last.
    package mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// A field's key: its number and wire type in one varint.
    package mutating func tag(_ field: Int, _ wireType: ProtoWireType) {
        precondition(field >= 1 && field <= ProtoWireType.maxFieldNumber, "protobuf field numbers are 1…2^29−1")
        varint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// The zigzag mapping of `sint32`/`sint64`: small magnitudes of either sign give short varints.
    package static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    // MARK: Varint fields

    package mutating func uint64(_ field: Int, _ value: UInt64) {
        tag(field, .varint)
        varint(value)
    }

    /// `int64`: the two's-complement bits, so a negative value takes ten bytes.
    package mutating func int64(_ field: Int, _ value: Int64) {
        uint64(field, UInt64(bitPattern: value))
    }

    /// `int32`: sign-extended to 64 bits first, as protobuf does (a negative value takes ten bytes).
    package mutating func int32(_ field: Int, _ value: Int32) {
        int64(field, Int64(value))
    }

    package mutating func uint32(_ field: Int, _ value: UInt32) {
        uint64(field, UInt64(value))
    }

    package mutating func sint64(_ field: Int, _ value: Int64) {
        uint64(field, Self.zigzag(value))
    }

    package mutating func sint32(_ field: Int, _ value: Int32) {
        sint64(field, Int64(value))
    }

    package mutating func bool(_ field: Int, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    /// An enum field: its number, encoded as `int32`.
    package mutating func enumValue(_ field: Int, _ value: Int32) {
        int32(field, value)
    }

    // MARK: Fixed-width fields

    package mutating func fixed32(_ field: Int, _ value: UInt32) {
        tag(field, .fixed32)
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    package mutating func fixed64(_ field: Int, _ value: UInt64) {
        tag(field, .fixed64)
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    package mutating func double(_ field: Int, _ value: Double) {
        fixed64(field, value.bitPattern)
    }

    package mutating func float(_ field: Int, _ value: Float) {
        fixed32(field, value.bitPattern)
    }

    // MARK: Length-delimited fields

    package mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    package mutating func string(_ field: Int, _ value: String) {
        bytes(field, value.utf8)
    }

    /// A nested message, written by `body` into its own buffer and then appended with its length.
    package mutating func message(_ field: Int, _ body: (inout ProtoWriter) -> Void) {
        var nested = ProtoWriter()
        body(&nested)
        bytes(field, nested.bytes)
    }

    /// One entry of a `map<string, string>`: a nested message with the key as field 1 and the value as
    /// field 2. Both are always written, as protobuf's serializers do for map entries.
    package mutating func mapEntry(_ field: Int, key: String, value: String) {
        message(field) { entry in
            entry.string(1, key)
            entry.string(2, value)
        }
    }

    /// A whole `map<string, string>`, its entries ordered by the keys' UTF-8 bytes: the order of
    /// protobuf's deterministic serialization, so equal maps always give equal bytes.
    package mutating func stringMap(_ field: Int, _ map: [String: String]) {
        let keys = map.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for key in keys {
            mapEntry(field, key: key, value: map[key] ?? "")
        }
    }
}
