package import UpliftModel
import UpliftParquet

/// One segment opened for reading chosen columns, row group by row group: how the analysis reads
/// the event store without knowing it is Parquet.
package struct EventSegment: Sendable {
    package let path: String
    private let file: ParquetFile
    /// The segment's typed property columns (format 3), after the record's columns.
    package let shredding: PropertyShredding

    package init(path: String) throws(UpliftError) {
        self.path = path
        (file, _, shredding) = try SegmentReader.openWithFormat(path: path)
    }

    /// Reads only the chunks of `columns` (and the footer): the others cannot be read from it. Reading
    /// `properties` reads the typed property columns too, whose members its texts give back.
    package init(path: String, columns: [EventColumn]) throws(UpliftError) {
        self.path = path
        var indices = Set(columns.map(\.index))
        if indices.contains(EventColumn.properties.index) {
            let fields = try SegmentReader.footer(path: path).schema.fields.count
            indices.formUnion(EventSchema.schema.fields.count..<max(EventSchema.schema.fields.count, fields))
        }
        (file, _, shredding) = try SegmentReader.openWithFormat(path: path, columns: indices)
    }

    /// The typed column of `shredding.properties[property]` in one row group: null where the row's
    /// member (if any) is in its `properties` text (`storedTexts`).
    package func shreddedValues(_ property: Int, rowGroup: Int) throws(UpliftError) -> ShreddedColumn {
        ShreddedColumn(data: try shreddedColumn(property, rowGroup: rowGroup))
    }

    private func shreddedColumn(_ property: Int, rowGroup: Int) throws(UpliftError) -> ColumnData {
        let index = EventSchema.schema.fields.count + property
        let rows = file.rowGroups[rowGroup].rowCount
        return try reading(EventColumn.properties, rowGroup) { () throws(ParquetError) -> ColumnData? in
            let column = try file.read(column: index, rowGroup: rowGroup)
            return column.count == rows ? column : nil
        }
    }

    package var rowCount: Int { file.rowCount }

    /// The footer's key/value entry for `key`, if any.
    package func metadataValue(for key: String) -> String? { file.metadataValue(for: key) }

    /// The number of rows of each row group, in file order.
    package var rowGroupSizes: [Int] { file.rowGroups.map(\.rowCount) }

    /// The values of a required byte-string column in one row group. A dictionary-encoded chunk
    /// gives its dictionary and each row's index into it, so a caller interns only the dictionary;
    /// a PLAIN one (after a dictionary fallback) gives every value.
    package func strings(_ column: EventColumn, rowGroup: Int) throws(UpliftError) -> Strings {
        switch try byteStrings(column, rowGroup: rowGroup) {
        case .dictionary(let values, let indices): .dictionary(values.strings(), indices: indices)
        case .plain(let values): .plain(values.strings())
        }
    }

    /// `strings(_:rowGroup:)` without a `String` per value: the chunk's dictionary or its PLAIN values as
    /// byte slices of one buffer, in one pass over the chunk's pages.
    package func byteStrings(_ column: EventColumn, rowGroup: Int) throws(UpliftError) -> ByteStrings {
        precondition(
            column.holdsBytes && !column.isOptional && column.storage == .asIs,
            "\(column.name) is not a required string column stored as it is")
        let rows = file.rowGroups[rowGroup].rowCount
        return try reading(column, rowGroup) { () throws(ParquetError) -> ByteStrings? in
            switch try file.readByteArrays(column: column.index, rowGroup: rowGroup).chunk {
            case .dictionary(let values, let indices):
                // The reader has bounds-checked every index against the dictionary.
                guard indices.count == rows else { return nil }
                return .dictionary(StringBytes(values: values), indices: indices)
            case .plain(let values):
                guard values.count == rows else { return nil }
                return .plain(StringBytes(values: values))
            }
        }
    }

    /// The values of a required integer column (times in microseconds) in one row group.
    package func integers(_ column: EventColumn, rowGroup: Int) throws(UpliftError) -> [Int64] {
        precondition(
            !column.holdsBytes && !column.isOptional && column.storage == .asIs,
            "\(column.name) is not a required integer column stored as it is")
        let rows = file.rowGroups[rowGroup].rowCount
        return try reading(column, rowGroup) { () throws(ParquetError) -> [Int64]? in
            guard case .int64(let values) = try file.read(column: column.index, rowGroup: rowGroup).values,
                values.count == rows
            else { return nil }
            return values
        }
    }

    /// The raw bytes of a required byte-string column in one row group (JSON texts), without a
    /// String per row. The `properties` texts are whole: the typed columns' members put back
    /// (`PropertyShredding.rebuild`).
    package func texts(_ column: EventColumn, rowGroup: Int) throws(UpliftError) -> Texts {
        let stored = try storedTexts(column, rowGroup: rowGroup)
        guard column.index == EventColumn.properties.index, !shredding.properties.isEmpty else { return stored }
        let typed = try shredding.properties.indices.map { (p) throws(UpliftError) in
            try shreddedColumn(p, rowGroup: rowGroup)
        }
        do { return Texts(values: try shredding.rebuild(stored.values, columns: typed)) } catch {
            throw UpliftError(error.code, "segment \(path) row group \(rowGroup): \(error.message)")
        }
    }

    /// The texts as stored: for `properties`, without the members moved to typed columns.
    package func storedTexts(_ column: EventColumn, rowGroup: Int) throws(UpliftError) -> Texts {
        precondition(
            column.holdsBytes && !column.isOptional && column.storage == .asIs,
            "\(column.name) is not a required string column stored as it is")
        let rows = file.rowGroups[rowGroup].rowCount
        return try reading(column, rowGroup) { () throws(ParquetError) -> Texts? in
            guard case .byteArrays(let values) = try file.read(column: column.index, rowGroup: rowGroup).values,
                values.count == rows
            else { return nil }
            return Texts(values: values)
        }
    }

    private func reading<T>(
        _ column: EventColumn, _ rowGroup: Int, _ body: () throws(ParquetError) -> T?
    ) throws(UpliftError) -> T {
        let value: T?
        do { value = try body() } catch {
            throw UpliftError(.corrupt, "segment \(path) row group \(rowGroup) cannot be read: \(error)")
        }
        guard let value else {
            throw UpliftError(
                .corrupt,
                "segment \(path) row group \(rowGroup): \(column.name) does not have its schema type or row count")
        }
        return value
    }

    /// One row group's values of a typed property column.
    package struct ShreddedColumn: Sendable {
        fileprivate let data: ColumnData

        /// The value of row `row`, nil where it is null.
        package func value(at row: Int) -> ShreddedProperty.Value? {
            guard !data.isNull(row) else { return nil }
            switch data.values {
            case .byteArrays(let v): return .string(Array(v[row]))
            case .int64(let v): return .integer(v[row])
            case .double(let v): return v[row].isFinite ? .double(v[row]) : nil
            case .boolean(let v): return .boolean(v[row])
            case .int32: return nil
            }
        }
    }

    /// A string column chunk's values.
    package enum Strings: Sendable {
        /// Row i holds `values[indices[i]]`.
        case dictionary([String], indices: [Int32])
        case plain([String])
    }

    /// A string column chunk's values as UTF-8 bytes (see `StringBytes`).
    package enum ByteStrings: Sendable {
        /// Row i holds value `indices[i]` of the dictionary.
        case dictionary(StringBytes, indices: [Int32])
        case plain(StringBytes)
    }

    /// A string column chunk's values as bytes.
    package struct Texts: Sendable {
        fileprivate let values: ByteArrays

        package var count: Int { values.count }

        /// Calls `body(i, bytes)` with the bytes of each value `i` of `indices` (each below `count`).
        package func forEach(_ indices: some Sequence<Int>, _ body: (Int, UnsafeRawBufferPointer) -> Void) {
            values.bytes.withUnsafeBytes { raw in
                values.offsets.withUnsafeBufferPointer { offsets in
                    for i in indices {
                        body(i, UnsafeRawBufferPointer(rebasing: raw[Int(offsets[i])..<Int(offsets[i + 1])]))
                    }
                }
            }
        }
    }
}
