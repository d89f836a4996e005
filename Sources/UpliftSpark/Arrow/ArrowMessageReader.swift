import UpliftModel

/// Splits an IPC stream into its encapsulated messages.
///
/// Each message is `0xFFFFFFFF`, an int32 metadata length, the FlatBuffer `Message` (padded to 8
/// bytes), then `bodyLength` bytes of body. Streams from before Arrow 0.15 (pyarrow's
/// `use_legacy_format`) leave out the `0xFFFFFFFF`. A zero length, with or without the marker, ends the
/// stream, and so does the end of the input at a message boundary; anything after the end marker is
/// ignored. Every length is checked against the bytes that remain before it is used.
struct ArrowMessageReader {
    /// What a message carries, with the FlatBuffer tables its decoding needs.
    enum Header {
        case schema(FlatTable)
        case recordBatch(FlatTable)
        case dictionaryBatch
        /// Tensor, SparseTensor or a tag from a newer format, by its union tag.
        case other(UInt8)
    }

    struct Message {
        /// 1-based, for error messages.
        let number: Int
        let header: Header
        /// Where the body lies in the input.
        let body: Range<Int>
    }

    private let bytes: [UInt8]
    private(set) var position = 0
    private var ended = false
    private var count = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next message, or nil at the end of the stream.
    mutating func next() throws(UpliftError) -> Message? {
        guard !ended, position < bytes.count else {
            ended = true
            return nil
        }
        let number = count + 1
        var length = try prefix(number)
        if length == -1 {
            length = try prefix(number)  // the continuation marker; the length follows
        }
        guard length != 0 else {
            ended = true
            return nil
        }
        let remaining = bytes.count - position
        guard length > 0, Int(length) <= remaining else {
            throw UpliftError(
                .corrupt,
                "Arrow stream: message \(number) declares \(length) bytes of metadata but only \(remaining) remain")
        }
        let metadata = FlatBuffer(
            bytes, start: position, end: position + Int(length), context: "the metadata of message \(number)")
        let message = try metadata.root()
        let (header, bodyLength) = try Self.decode(message, number: number)
        let bodyStart = position + Int(length)
        guard bodyLength >= 0, bodyLength <= Int64(bytes.count - bodyStart) else {
            throw UpliftError(
                .corrupt,
                "Arrow stream: message \(number) declares a body of \(bodyLength) bytes but only "
                    + "\(bytes.count - bodyStart) remain")
        }
        position = bodyStart + Int(bodyLength)
        count = number
        return Message(number: number, header: header, body: bodyStart..<position)
    }

    /// The next little-endian int32 of the framing.
    private mutating func prefix(_ number: Int) throws(UpliftError) -> Int32 {
        guard bytes.count - position >= 4 else {
            throw UpliftError(
                .corrupt,
                "Arrow stream: the input ends inside the length prefix of message \(number) "
                    + "(\(bytes.count - position) of its 4 bytes)")
        }
        defer { position += 4 }
        return bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: Int32.self)) }
    }

    // Message: version (0), header_type (1), header (2), bodyLength (3), custom_metadata (4).
    private static func decode(_ message: FlatTable, number: Int) throws(UpliftError) -> (Header, Int64) {
        // V4 (value 3, Arrow 0.8 to 0.17) and V5 (value 4, Arrow 1.0 on) lay out every type this reader
        // supports alike; V1–V3 predate Arrow 0.8.
        let version = try message.int16(0)
        guard version == 3 || version == 4 else {
            throw UpliftError(
                .unsupported,
                "Arrow stream: message \(number) uses metadata version V\(Int(version) + 1); only V4 and V5 are read")
        }
        let tag = try message.uint8(1)
        let bodyLength = try message.int64(3)
        switch tag {
        case 1:
            guard let schema = try message.table(2, name: "the Schema table") else {
                throw UpliftError(.corrupt, "Arrow stream: message \(number) is a schema message without a schema")
            }
            return (.schema(schema), bodyLength)
        case 2:
            return (.dictionaryBatch, bodyLength)
        case 3:
            guard let batch = try message.table(2, name: "the RecordBatch table") else {
                throw UpliftError(.corrupt, "Arrow stream: message \(number) is a record batch message without a batch")
            }
            return (.recordBatch(batch), bodyLength)
        case 0:
            throw UpliftError(.corrupt, "Arrow stream: message \(number) has no header")
        default:
            return (.other(tag), bodyLength)
        }
    }
}
