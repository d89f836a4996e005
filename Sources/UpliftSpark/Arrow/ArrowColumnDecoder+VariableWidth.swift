import UpliftModel

extension ArrowColumnDecoder {
    /// A value of a string column, or nil when its bytes are not UTF-8.
    static func text(_ raw: UnsafeRawBufferPointer) -> String? {
        String(validating: raw, as: UTF8.self)
    }

    /// A value of a binary column.
    static func bytes(_ raw: UnsafeRawBufferPointer) -> [UInt8]? {
        [UInt8](raw)
    }

    /// Strings or binary: `rows + 1` offsets (32- or 64-bit) into the data buffer, value `i` being the
    /// bytes between offsets `i` and `i + 1`. Offsets must never decrease and must stay inside the data
    /// buffer, null rows included; `make` returns nil for bytes it refuses (text that is not UTF-8).
    func variableWidth<Offset: FixedWidthInteger, Value>(
        _: Offset.Type, _ make: (UnsafeRawBufferPointer) -> Value?
    ) throws(UpliftError) -> [Value?] {
        let valid = try validity()
        // Writers may leave out the offsets of an empty column altogether.
        guard rows > 0 else { return [] }
        let offsets = buffers[buffers.startIndex + 1]
        let data = buffers[buffers.startIndex + 2]
        let width = MemoryLayout<Offset>.size
        guard offsets.count / width > rows else {
            throw corrupt(
                "declares \(rows) rows but its offsets buffer holds \(offsets.count / width) offsets, not \(rows + 1)")
        }
        let result = bytes.withUnsafeBytes { raw -> Result<[Value?], UpliftError> in
            func offset(_ index: Int) -> Int64 {
                let at = offsets.lowerBound + index * width
                return Int64(Offset(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Offset.self)))
            }
            let limit = Int64(data.count)
            var start = offset(0)
            guard start >= 0, start <= limit else {
                return .failure(corrupt("has a first offset of \(start) outside its data buffer of \(limit) bytes"))
            }
            var out: [Value?] = []
            out.reserveCapacity(rows)
            for row in 0..<rows {
                let end = offset(row + 1)
                guard end >= start, end <= limit else {
                    let problem = "has offset \(row + 1) at \(end), outside \(start)...\(limit)"
                    return .failure(corrupt(problem + " (its data buffer holds \(limit) bytes)"))
                }
                if let valid, raw[valid + (row >> 3)] & (1 << UInt8(row & 7)) == 0 {
                    out.append(nil)
                } else {
                    let value = UnsafeRawBufferPointer(
                        rebasing: raw[(data.lowerBound + Int(start))..<(data.lowerBound + Int(end))])
                    guard let made = make(value) else {
                        return .failure(corrupt("holds bytes that are not valid UTF-8 in row \(row + 1) of the batch"))
                    }
                    out.append(made)
                }
                start = end
            }
            return .success(out)
        }
        return try result.get()
    }
}
