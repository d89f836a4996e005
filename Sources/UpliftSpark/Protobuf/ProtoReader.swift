package import UpliftModel

/// Reads the fields of one protobuf message, in the order they were written.
///
/// `next()` parses a whole field (key and value) before returning it, so an unknown field is skipped
/// by not looking at it. Nothing is read past the end: a varint longer than ten bytes or past 64
/// bits, a length beyond the end, a field number of 0, a group (wire types 3 and 4, which no message
/// Uplift reads uses) and the unassigned wire types 6 and 7 are refused with `.corrupt`, naming the
/// message and the byte offset. Nested readers (`ProtoField.message(_:)`) count their depth and
/// refuse to go past `maxDepth`, so hostile input cannot exhaust the stack of a recursive decoder.
package struct ProtoReader: Sendable {
    /// protobuf's own default recursion limit.
    package static let maxDepth = 100

    private let bytes: ArraySlice<UInt8>
    private var position: Int
    /// The index of the outermost message's first byte, so errors give offsets from the start.
    private let origin: Int
    /// How many messages enclose this one (0 for the outermost).
    package let depth: Int
    /// The message's name and path (`ExecutePlanResponse.arrow_batch`), for error messages.
    package let context: String

    /// A reader over a whole message; `context` names it in errors.
    package init(_ bytes: [UInt8], context: String) {
        self.init(bytes[...], context: context)
    }

    /// A reader over a whole message held in part of a larger buffer.
    package init(_ bytes: ArraySlice<UInt8>, context: String) {
        self.init(bytes, context: context, origin: bytes.startIndex, depth: 0)
    }

    init(_ bytes: ArraySlice<UInt8>, context: String, origin: Int, depth: Int) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.origin = origin
        self.depth = depth
        self.context = context
    }

    /// Whether every byte has been read.
    package var isAtEnd: Bool { position == bytes.endIndex }

    /// The offset of the next byte from the start of the outermost message.
    package var offset: Int { position - origin }

    /// The next field, or nil at the end of the message.
    package mutating func next() throws(UpliftError) -> ProtoField? {
        guard position < bytes.endIndex else { return nil }
        let start = position
        let key = try readVarint(what: "field key")
        guard key <= UInt64(UInt32.max) else {
            throw error("a field key of more than 32 bits", at: start)
        }
        let number = Int(key >> 3)
        guard number >= 1 else {
            throw error("a field numbered 0", at: start)
        }
        let value: ProtoField.Value
        switch key & 7 {
        case 0:
            value = .varint(try readVarint(what: "varint of field \(number)"))
        case 1:
            value = .fixed64(try readFixed(8, what: "fixed64 field \(number)"))
        case 2:
            let length = try readVarint(what: "length of field \(number)")
            let left = bytes.endIndex - position
            guard length <= UInt64(left) else {
                throw error("field \(number) says \(length) bytes follow but only \(left) remain", at: start)
            }
            let end = position + Int(length)
            value = .lengthDelimited(bytes[position..<end])
            position = end
        case 3, 4:
            throw error("a group (wire type \(key & 7)) in field \(number); groups are not supported", at: start)
        case 5:
            value = .fixed32(UInt32(truncatingIfNeeded: try readFixed(4, what: "fixed32 field \(number)")))
        default:
            throw error("field \(number) has the unknown wire type \(key & 7)", at: start)
        }
        return ProtoField(
            number: number, value: value, offset: start - origin, origin: origin, depth: depth, context: context)
    }

    /// A base-128 varint of at most ten bytes whose value fits in 64 bits.
    private mutating func readVarint(what: String) throws(UpliftError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        for index in 0..<10 {
            guard position < bytes.endIndex else {
                throw error("the message ends inside a \(what)", at: start)
            }
            let byte = bytes[position]
            position += 1
            if index == 9 && byte > 1 {
                throw error("a \(what) longer than ten bytes or past 64 bits", at: start)
            }
            result |= UInt64(byte & 0x7F) << UInt64(7 * index)
            if byte < 0x80 { return result }
        }
        throw error("a \(what) longer than ten bytes", at: start)
    }

    /// A little-endian fixed-width value of `count` bytes.
    private mutating func readFixed(_ count: Int, what: String) throws(UpliftError) -> UInt64 {
        guard bytes.endIndex - position >= count else {
            throw error("the message ends inside a \(what)", at: position)
        }
        var result: UInt64 = 0
        for index in 0..<count {
            result |= UInt64(bytes[position + index]) << UInt64(8 * index)
        }
        position += count
        return result
    }

    private func error(_ problem: String, at index: Int) -> UpliftError {
        UpliftError(
            .corrupt,
            "invalid protobuf in \(context): \(problem) (at byte \(index - origin)); "
                + "the bytes were cut short or are not this message")
    }
}
