package import UpliftModel
package import UpliftParquet

/// Event ids as format 2 stores them: `event_id` (text, null for a UUID) beside `event_uuid`
/// (16 bytes, null for any other id). Exactly one of the two is set in every row.
package enum EventIDColumns {
    /// The two stored columns of a chunk of text ids.
    package static func split(_ ids: ByteArrays) throws(UpliftError) -> (text: ColumnData, uuid: ColumnData) {
        var isUUID = [Bool]()
        var uuidBytes: [UInt8] = []
        uuidBytes.reserveCapacity(16 * ids.count)
        var textBytes: [UInt8] = []
        var textOffsets: [Int32] = [0]
        var uuidOffsets: [Int32] = [0]
        textOffsets.reserveCapacity(ids.count + 1)
        uuidOffsets.reserveCapacity(ids.count + 1)
        isUUID.reserveCapacity(ids.count)
        ids.bytes.withUnsafeBytes { raw in
            ids.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<ids.count {
                    let id = UnsafeRawBufferPointer(rebasing: raw[Int(offsets[i])..<Int(offsets[i + 1])])
                    let parsed = UUIDText.parse(id, into: &uuidBytes)
                    if !parsed { textBytes.append(contentsOf: id) }
                    isUUID.append(parsed)
                    textOffsets.append(Int32(truncatingIfNeeded: textBytes.count))
                    uuidOffsets.append(Int32(truncatingIfNeeded: uuidBytes.count))
                }
            }
        }
        let text: ByteArrays
        let uuid: ByteArrays
        do {
            text = try ByteArrays(offsets: textOffsets, bytes: textBytes)
            uuid = try ByteArrays(offsets: uuidOffsets, bytes: uuidBytes)
        } catch {
            throw UpliftError(.io, "cannot assemble a row group's event ids", cause: error)
        }
        let anyUUID = isUUID.contains(true)
        let anyText = isUUID.contains(false)
        return (
            ColumnData(values: .byteArrays(text), validity: anyUUID ? isUUID.map { !$0 } : nil),
            ColumnData(values: .byteArrays(uuid), validity: anyText ? isUUID : nil)
        )
    }

    /// The text ids back from the two stored columns; a row with both or neither set is corruption.
    package static func texts(text: ColumnData, uuid: ColumnData) throws(UpliftError) -> ByteArrays {
        guard case .byteArrays(let texts) = text.values, case .byteArrays(let uuids) = uuid.values,
            texts.count == uuids.count
        else { throw UpliftError(.corrupt, "segment event id columns do not have the event schema's types") }
        var out = ByteArrays()
        out.reserveCapacity(values: texts.count, bytes: texts.bytes.count + 36 * uuids.count)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(36)
        for i in 0..<texts.count {
            switch (text.isNull(i), uuid.isNull(i)) {
            case (false, true):
                out.append(contentsOf: texts[i])
            case (true, false):
                guard uuids.length(at: i) == 16 else {
                    throw UpliftError(.corrupt, "segment row \(i) has an event_uuid that is not 16 bytes")
                }
                scratch.removeAll(keepingCapacity: true)
                UUIDText.format(uuids[i], into: &scratch)
                out.append(contentsOf: scratch)
            default:
                throw UpliftError(.corrupt, "segment row \(i) has not exactly one of event_id and event_uuid")
            }
        }
        return out
    }
}
