package import UpliftModel

/// The rows an engine returned for a compiled statement, by column name: what answers are built from,
/// whichever engine ran the SQL.
package struct SQLRows: Sendable, Equatable {
    package enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case double(Double)
        case text(String)
        case boolean(Bool)
    }

    package var columns: [String]
    package var rows: [[Value]]

    package init(columns: [String], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The index of column `name`, or an error naming the statement's rows as unexpected.
    package func index(of name: String, question: String) throws(UpliftError) -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw UpliftError(
                .corrupt,
                "the engine's rows for the \(question) have no column \(UpliftError.quote(name)) (columns: \(columns.joined(separator: ", ")))"
            )
        }
        return index
    }
}

extension SQLRows.Value {
    package var isNull: Bool { self == .null }

    package var int: Int64? {
        switch self {
        case .integer(let v): v
        case .double(let v): v.rounded() == v && abs(v) < 9.2e18 ? Int64(v) : nil
        default: nil
        }
    }

    package var double: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    package var text: String? {
        if case .text(let v) = self { return v }
        return nil
    }

    package var bool: Bool? {
        if case .boolean(let v) = self { return v }
        return nil
    }
}
