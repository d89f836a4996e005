import Testing
import UpliftModel
import UpliftSpark

/// Hand-made hostile bytes: each must be refused with `.corrupt` and a message that says why.
@Suite struct ProtoReaderTests {
    struct Hostile: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        /// A phrase the error message must contain.
        var says: String
        var testDescription: String { name }
    }

    static let hostile = [
        Hostile(name: "key cut inside its varint", bytes: [0x80], says: "ends inside a field key"),
        Hostile(name: "varint value missing", bytes: [0x08], says: "ends inside a varint of field 1"),
        Hostile(name: "varint value cut", bytes: [0x08, 0x96], says: "ends inside a varint of field 1"),
        Hostile(
            name: "eleven-byte varint", bytes: [0x08] + Array(repeating: 0xFF, count: 10) + [0x01],
            says: "longer than ten bytes"),
        Hostile(
            name: "ten-byte varint past 64 bits", bytes: [0x08] + Array(repeating: 0xFF, count: 9) + [0x02],
            says: "past 64 bits"),
        Hostile(
            name: "overlong key", bytes: Array(repeating: 0x80, count: 10) + [0x00], says: "longer than ten bytes"),
        Hostile(
            name: "key past 32 bits", bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00], says: "more than 32 bits"),
        Hostile(name: "field number 0", bytes: [0x00, 0x01], says: "numbered 0"),
        Hostile(
            name: "length past the end", bytes: [0x0A, 0x05, 0x61, 0x62], says: "5 bytes follow but only 2 remain"),
        Hostile(
            name: "huge length", bytes: [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            says: "bytes follow but only 0 remain"),
        Hostile(name: "length missing", bytes: [0x0A], says: "ends inside a length of field 1"),
        Hostile(name: "fixed64 cut", bytes: [0x09, 1, 2, 3, 4, 5, 6, 7], says: "ends inside a fixed64"),
        Hostile(name: "fixed32 cut", bytes: [0x0D, 1, 2, 3], says: "ends inside a fixed32"),
        Hostile(name: "start group", bytes: [0x0B, 0x0C], says: "groups are not supported"),
        Hostile(name: "end group", bytes: [0x0C], says: "groups are not supported"),
        Hostile(name: "wire type 6", bytes: [0x0E, 0x00], says: "unknown wire type 6"),
        Hostile(name: "wire type 7", bytes: [0x0F, 0x00], says: "unknown wire type 7"),
    ]

    /// Reads every field, taking every length-delimited one as a nested message, as deep as it goes.
    static func walk(_ reader: inout ProtoReader) throws(UpliftError) {
        while let field = try reader.next() {
            if field.wireType == .lengthDelimited {
                var nested = try field.message("nested")
                try walk(&nested)
            }
        }
    }

    @Test(arguments: hostile)
    func refused(_ hostile: Hostile) {
        var reader = ProtoReader(hostile.bytes, context: "Hostile")
        let error = #expect(throws: UpliftError.self) { try Self.walk(&reader) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains(hostile.says) == true, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("invalid protobuf in Hostile: ") == true)
    }

    /// The same bytes inside a response are refused by its decoder too, naming the nested message.
    @Test func refusedInsideDecoders() {
        // arrow_batch { row_count = 3, data = 5 bytes of which 2 are there }, whole at the top level.
        let batch: [UInt8] = [0x08, 0x03, 0x12, 0x05, 0x01, 0x02]
        let bytes: [UInt8] = [0x0A, 0x01, 0x61, 0x12, UInt8(batch.count)] + batch
        let error = #expect(throws: UpliftError.self) { try ExecutePlanResponse(decoding: bytes) }
        #expect(
            error?.message.contains("in ExecutePlanResponse.arrow_batch: field 2 says 5 bytes follow but only 2 remain")
                == true)
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var writer = ProtoWriter()
        writer.uint64(1000, UInt64.max)
        writer.fixed64(1001, 42)
        writer.bytes(1002, [0xFF, 0xFE])  // not UTF-8, not a message: never looked at
        writer.fixed32(1003, 7)
        writer.string(1, "session")
        writer.message(1004) { $0.uint64(1, 1) }
        let response = try ExecutePlanResponse(decoding: writer.bytes)
        #expect(response.sessionID == "session")
        #expect(response.result == ExecutePlanResponse.Result.unset)
    }

    @Test func wrongWireTypeIsRefused() throws {
        var writer = ProtoWriter()
        writer.fixed32(1, 5)
        var reader = ProtoReader(writer.bytes, context: "Test")
        let field = try #require(try reader.next())
        #expect(field.wireType == .fixed32)
        #expect(throws: UpliftError.self) { try field.string() }
        #expect(throws: UpliftError.self) { try field.uint64() }
        #expect(throws: UpliftError.self) { try field.fixed64() }
        #expect(try field.fixed32() == 5)
    }

    @Test func invalidUTF8StringIsRefused() {
        var writer = ProtoWriter()
        writer.bytes(1, [0x61, 0xC3])  // a cut two-byte sequence
        let error = #expect(throws: UpliftError.self) { try ConfigResponse(decoding: writer.bytes) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("string field 1 is not valid UTF-8") == true)
    }

    static func nested(_ depth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<depth {
            var writer = ProtoWriter()
            writer.bytes(1, bytes)
            bytes = writer.bytes
        }
        return bytes
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        var reader = ProtoReader(Self.nested(ProtoReader.maxDepth), context: "Deep")
        try Self.walk(&reader)
    }

    @Test func nestingPastTheLimitIsRefused() {
        var reader = ProtoReader(Self.nested(ProtoReader.maxDepth + 50), context: "Deep")
        let error = #expect(throws: UpliftError.self) { try Self.walk(&reader) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("nested more than 100 deep") == true)
    }

    @Test func offsetsCountFromTheOutermostMessage() throws {
        let bytes: [UInt8] = [0xFF, 0xFF, 0x0A, 0x03, 0x08, 0x01, 0x08]
        var reader = ProtoReader(bytes[2...], context: "Slice")
        let field = try #require(try reader.next())
        #expect(field.offset == 0)
        var nested = try field.message("inner")
        #expect(try nested.next()?.uint64() == 1)
        let error = #expect(throws: UpliftError.self) { try nested.next() }
        #expect(error?.message.contains("Slice.inner: the message ends inside a varint of field 1 (at byte 5)") == true)
    }
}
