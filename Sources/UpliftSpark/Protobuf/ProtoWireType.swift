/// The protobuf wire types (the low three bits of a field's tag).
///
/// Groups (3 and 4) are deprecated since proto2 and used by none of the messages Uplift reads, so
/// the reader refuses them rather than tracking their nesting.
package enum ProtoWireType: UInt8, Sendable, Hashable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    package var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }

    /// The largest field number protobuf allows (2^29 − 1).
    package static let maxFieldNumber = 536_870_911
}
