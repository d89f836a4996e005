import UpliftModel

/// The layout of one RecordBatch message: its row count, one node (length, null count) per column and
/// its buffers as ranges of the input, each already checked to lie inside the message's body.
struct ArrowRecordBatch {
    struct Node {
        let length: Int
        let nullCount: Int
    }

    /// 1-based among the stream's record batches, for error messages.
    let number: Int
    let length: Int
    let nodes: [Node]
    let buffers: [Range<Int>]

    /// The most rows one batch may declare: Arrow's Java writer (Spark's) counts rows in an int, and a
    /// bound keeps row counts of storage-less columns (the null type) from running away.
    static let maxRows = Int(Int32.max)

    // RecordBatch: length (0), nodes (1), buffers (2), compression (3), variadicBufferCounts (4).
    // FieldNode and Buffer are both structs of two longs.
    init(_ table: FlatTable, body: Range<Int>, number: Int, fields: [ArrowField]) throws(UpliftError) {
        self.number = number
        let context = "record batch \(number)"
        if let compression = try table.table(3, name: "the BodyCompression table") {
            let codec = try compression.uint8(0)
            let name = codec == 0 ? "LZ4_FRAME" : codec == 1 ? "ZSTD" : "codec \(codec)"
            throw UpliftError(
                .unsupported,
                "Arrow stream: \(context) is compressed (\(name)); Uplift reads uncompressed results only "
                    + "(in Spark, leave spark.sql.execution.arrow.compression.codec at none)")
        }
        let declared = try table.int64(0)
        guard declared >= 0, declared <= Int64(Self.maxRows) else {
            throw UpliftError(.corrupt, "Arrow stream: \(context) declares \(declared) rows")
        }
        length = Int(declared)

        let nodeVector = try table.vector(1, elementSize: 16, "the field nodes of \(context)")
        let nodeCount = nodeVector?.count ?? 0
        guard nodeCount == fields.count else {
            throw UpliftError(
                .corrupt,
                "Arrow stream: \(context) has \(nodeCount) field nodes but the schema has \(fields.count) columns")
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(nodeCount)
        for (index, field) in fields.enumerated() {
            guard let nodeVector else { break }  // only when there are no fields
            let nodeLength = try nodeVector.int64(index)
            let nullCount = try nodeVector.int64(index, field: 8)
            guard nodeLength == declared else {
                throw UpliftError(
                    .corrupt, "Arrow stream: \(field.label) has \(nodeLength) rows in \(context) of \(declared) rows")
            }
            guard nullCount >= 0, nullCount <= nodeLength else {
                throw UpliftError(
                    .corrupt, "Arrow stream: \(field.label) declares \(nullCount) nulls in \(nodeLength) rows")
            }
            nodes.append(Node(length: Int(nodeLength), nullCount: Int(nullCount)))
        }
        self.nodes = nodes

        let expected = fields.reduce(0) { $0 + $1.type.bufferCount }
        let bufferVector = try table.vector(2, elementSize: 16, "the buffer list of \(context)")
        let bufferCount = bufferVector?.count ?? 0
        guard bufferCount == expected else {
            throw UpliftError(
                .corrupt, "Arrow stream: \(context) has \(bufferCount) buffers but its columns need \(expected)")
        }
        let bodyLength = Int64(body.count)
        var buffers: [Range<Int>] = []
        buffers.reserveCapacity(bufferCount)
        for index in 0..<bufferCount {
            guard let bufferVector else { break }  // only when no buffers are needed
            let offset = try bufferVector.int64(index)
            let size = try bufferVector.int64(index, field: 8)
            guard offset >= 0, size >= 0, offset <= bodyLength, size <= bodyLength - offset else {
                throw UpliftError(
                    .corrupt,
                    "Arrow stream: buffer \(index + 1) of \(context) (\(size) bytes at offset \(offset)) lies outside "
                        + "its body of \(bodyLength) bytes")
            }
            let start = body.lowerBound + Int(offset)
            buffers.append(start..<(start + Int(size)))
        }
        self.buffers = buffers
    }
}
