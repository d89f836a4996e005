/// A decoded query result: the schema's fields and, for each, a column of `rowCount` values (every
/// record batch of the stream, in order).
///
/// Equality compares values as Swift does, so a table holding a NaN double is not equal to itself.
package struct ArrowTable: Sendable, Equatable {
    package var fields: [ArrowField]
    /// One per field, in the same order, each `rowCount` long.
    package var columns: [ArrowColumn]
    package var rowCount: Int

    package init(fields: [ArrowField], columns: [ArrowColumn], rowCount: Int) {
        self.fields = fields
        self.columns = columns
        self.rowCount = rowCount
    }

    /// The index of the first column called `name` (Spark allows repeated names; alias them to tell
    /// them apart), or nil.
    package func columnIndex(named name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// The first column called `name`, or nil.
    package func column(named name: String) -> ArrowColumn? {
        columnIndex(named: name).map { columns[$0] }
    }

    /// The value at `row` of column `column` (both must be in range, as array indices must).
    package func value(row: Int, column: Int) -> ArrowValue {
        columns[column][row]
    }

    /// The value at `row` of the first column called `name`; nil when there is no such column.
    package func value(row: Int, column name: String) -> ArrowValue? {
        columnIndex(named: name).map { columns[$0][row] }
    }

    /// Row `row` across all columns, in field order.
    package func row(_ row: Int) -> [ArrowValue] {
        columns.map { $0[row] }
    }

    /// Every row, in order, each a value per column; for small results (aggregates), where it is the
    /// simplest way to turn the table into an answer.
    package var rows: [[ArrowValue]] {
        (0..<rowCount).map { row($0) }
    }
}
