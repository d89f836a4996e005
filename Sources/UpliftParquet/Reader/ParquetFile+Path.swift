#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ParquetFile {
    /// Reads the file at `path` into memory and opens it. Segments are tens of MB, so one read beats
    /// mmap bookkeeping and keeps `ParquetFile` a plain value.
    package init(path: String) throws(ParquetError) {
        try self.init(bytes: try Self.readAll(path: path))
    }

    /// Opens the file at `path` reading only its footer and the chunks of `columns` (indices in the
    /// schema): a query that needs three columns of a segment reads those, not the whole file. The
    /// buffer has the file's size, but only what was read is ever written or read (its other pages
    /// are never touched, so they cost no memory); reading another column fails as `.notFound`.
    package init(path: String, columns: Set<Int>) throws(ParquetError) {
        let footer = try Self.footer(path: path)
        let size = footer.fileSize
        var ranges: [Range<Int>] = [0..<4, footer.tailStart..<size]
        for group in footer.rowGroups {
            for column in columns where group.columns.indices.contains(column) {
                let chunk = group.columns[column]
                ranges.append(chunk.offset..<chunk.offset + chunk.compressedSize)
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ParquetError(errno == ENOENT ? .notFound : .io, "cannot open Parquet file \(path) (errno \(errno))")
        }
        defer { close(fd) }
        var failure: ParquetError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = size
            for range in ranges where failure == nil {
                do throws(ParquetError) {
                    let part = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[range]))
                    try Self.read(fd, path, at: range.lowerBound, into: part)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        try self.init(bytes: bytes, loaded: columns)
    }

    static func readAll(path: String) throws(ParquetError) -> [UInt8] {
        try readTail(path: path, bytes: Int.max).bytes
    }

    /// Reads the last `count` bytes of a file (all of it when shorter) and tells its size.
    static func readTail(path: String, bytes count: Int) throws(ParquetError) -> (bytes: [UInt8], fileSize: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code: ParquetError.Code = errno == ENOENT ? .notFound : .io
            throw ParquetError(
                code, "cannot open Parquet file \(path) (errno \(errno)); check the path and permissions")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ParquetError(.io, "cannot stat Parquet file \(path) (errno \(errno))")
        }
        let fileSize = Int(info.st_size)
        let size = min(count, fileSize)
        let start = fileSize - size
        var bytes = [UInt8](repeating: 0, count: size)
        let result: Result<Void, ParquetError> = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(ParquetError) in try read(fd, path, at: start, into: buffer) }
        }
        try result.get()
        return (bytes, fileSize)
    }

    /// Fills `buffer` with the file's bytes from `offset` on (pread until done).
    private static func read(
        _ fd: Int32, _ path: String, at offset: Int, into buffer: UnsafeMutableRawBufferPointer
    ) throws(ParquetError) {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ParquetError(.io, "cannot read Parquet file \(path) (errno \(errno))") }
            done += n
        }
    }

    /// Parses only the footer of the file at `path`: two small reads from its end, no data pages.
    package static func footer(path: String) throws(ParquetError) -> ParquetFooter {
        let (last, fileSize) = try readTail(path: path, bytes: 8)
        guard fileSize >= 12, last.count == 8 else { throw .corrupt("not a Parquet file (too short)") }
        let footerLength = Int(
            last.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }.littleEndian)
        // The footer, our 8-byte footer checksum before it, its length and the magic after it.
        let (tail, size) = try readTail(path: path, bytes: min(fileSize - 4, footerLength + 16))
        return try ParquetFooter(tail: tail, fileSize: size)
    }

    /// One column across every row group, concatenated in file order (strings must total under 2 GiB).
    package func read(column: Int) throws(ParquetError) -> ColumnData {
        var parts: [ColumnData] = []
        for rowGroup in rowGroups.indices { parts.append(try read(column: column, rowGroup: rowGroup)) }
        return ColumnData.concatenate(parts, type: schema.fields[column].type)
    }

    package func read(column name: String) throws(ParquetError) -> ColumnData {
        try read(column: try columnIndex(name))
    }
}

extension ColumnData {
    /// Joins column chunks end to end (validity is materialised only if some part has nulls).
    static func concatenate(_ parts: [ColumnData], type: ParquetType) -> ColumnData {
        if parts.count == 1 { return parts[0] }
        let anyNull = parts.contains { $0.validity != nil }
        let validity: [Bool]? = anyNull ? parts.flatMap { $0.validity ?? Array(repeating: true, count: $0.count) } : nil
        let values: ColumnValues
        switch type {
        case .int32:
            values = .int32(
                parts.flatMap { part in
                    if case .int32(let v) = part.values { return v }
                    return []
                })
        case .int64, .timestampMicros:
            values = .int64(
                parts.flatMap { part in
                    if case .int64(let v) = part.values { return v }
                    return []
                })
        case .double:
            values = .double(
                parts.flatMap { part in
                    if case .double(let v) = part.values { return v }
                    return []
                })
        case .boolean:
            values = .boolean(
                parts.flatMap { part in
                    if case .boolean(let v) = part.values { return v }
                    return []
                })
        case .string, .fixed16:
            var offsets: [Int32] = [0]
            var bytes: [UInt8] = []
            offsets.reserveCapacity(parts.reduce(1) { $0 + $1.count })
            for part in parts {
                guard case .byteArrays(let v) = part.values else { continue }
                let base = Int32(truncatingIfNeeded: bytes.count)
                offsets.append(contentsOf: v.offsets.dropFirst().lazy.map { $0 &+ base })
                bytes.append(contentsOf: v.bytes)
            }
            let joined = ByteArrays(validatedOffsets: offsets, bytes: bytes)
            values = .byteArrays(joined)
        }
        return ColumnData(values: values, validity: validity)
    }
}
