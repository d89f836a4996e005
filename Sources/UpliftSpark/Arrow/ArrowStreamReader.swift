package import UpliftModel

/// Reads an Apache Arrow IPC stream — what Spark Connect returns in each `ArrowBatch.data` — into an
/// `ArrowTable`: the schema message, then every record batch, concatenated.
///
/// Written for untrusted bytes: every offset and length is checked against the input before use, no
/// allocation is larger than the input can justify, and damage is an `UpliftError` with code
/// `.corrupt` saying what is wrong and where (never a trap). What the reader does not support —
/// compressed bodies, dictionary batches, nested and exotic column types, big-endian data — is
/// `.unsupported`, naming the column and its type. See `ArrowColumn` for how types map to columns.
package enum ArrowStreamReader {
    /// Decodes one complete IPC stream (framed with or without the 0xFFFFFFFF continuation marker).
    /// An empty result — a schema and no batches — is a table of zero rows.
    package static func read(_ bytes: [UInt8]) throws(UpliftError) -> ArrowTable {
        var messages = ArrowMessageReader(bytes)
        guard let first = try messages.next() else {
            throw UpliftError(.corrupt, "Arrow stream: no schema message (the input holds \(bytes.count) bytes)")
        }
        guard case .schema(let schema) = first.header else {
            throw UpliftError(.corrupt, "Arrow stream: the first message is not a schema")
        }
        let fields = try ArrowSchemaDecoder.fields(of: schema)
        var columns = fields.map { ArrowColumn(emptyFor: $0.type) }
        var rowCount = 0
        var batches = 0
        while let message = try messages.next() {
            switch message.header {
            case .schema:
                throw UpliftError(.corrupt, "Arrow stream: message \(message.number) is a second schema")
            case .dictionaryBatch:
                throw UpliftError(
                    .unsupported,
                    "Arrow stream: message \(message.number) is a dictionary batch, which Uplift does not read")
            case .other(let tag):
                throw UpliftError(
                    .unsupported,
                    "Arrow stream: message \(message.number) is of kind \(tag) (a tensor or newer), "
                        + "which Uplift does not read")
            case .recordBatch(let table):
                batches += 1
                let batch = try ArrowRecordBatch(table, body: message.body, number: batches, fields: fields)
                let (total, overflow) = rowCount.addingReportingOverflow(batch.length)
                guard !overflow, total <= ArrowRecordBatch.maxRows else {
                    throw UpliftError(
                        .unsupported,
                        "Arrow stream: the batches hold more than \(ArrowRecordBatch.maxRows) rows together")
                }
                try append(batch, fields: fields, bytes: bytes, to: &columns)
                rowCount = total
            }
        }
        return ArrowTable(fields: fields, columns: columns, rowCount: rowCount)
    }

    private static func append(
        _ batch: ArrowRecordBatch, fields: [ArrowField], bytes: [UInt8], to columns: inout [ArrowColumn]
    ) throws(UpliftError) {
        var buffer = 0
        for (index, field) in fields.enumerated() {
            let count = field.type.bufferCount
            let decoder = ArrowColumnDecoder(
                bytes: bytes, field: field, node: batch.nodes[index],
                buffers: batch.buffers[buffer..<(buffer + count)],
                context: "\(field.label) in record batch \(batch.number)")
            buffer += count
            guard columns[index].append(try decoder.decode()) else {
                // The column was created for this field's type, so only a bug in this reader gets here.
                throw UpliftError(.internalError, "Arrow stream: \(field.label) decoded to a different kind of column")
            }
        }
    }
}
