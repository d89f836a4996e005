package import UpliftModel
package import UpliftStorage

/// The live segment files a question reads, grouped by the typed property columns they have.
///
/// Compaction chooses those columns per day (schemas/STORAGE.md, "Shredded properties"), so one key may be
/// an integer column on one day and a double on another. Reading all files as one relation would make an
/// engine merge the two (Spark refuses, DuckDB widens the integers to doubles, and `5` would read as `5.0`):
/// each group is read on its own, and a key whose groups disagree is read as its text, which is what the
/// JSON held.
package struct SegmentFiles: Sendable {
    package struct Group: Sendable {
        package var paths: [String]
        package var shredded: [String: ShreddedProperty.Kind]
    }

    package private(set) var groups: [Group] = []
    /// Every key some group has, with its kind; `.string` for a key whose groups disagree (read as text).
    package private(set) var shredded: [String: ShreddedProperty.Kind] = [:]
    private var conflicting: Set<String> = []

    /// `files` in order; files with the same typed columns form one group.
    package init(_ files: [(path: String, shredded: [String: ShreddedProperty.Kind])]) {
        var index: [[String: ShreddedProperty.Kind]: Int] = [:]
        for file in files {
            if let i = index[file.shredded] {
                groups[i].paths.append(file.path)
            } else {
                index[file.shredded] = groups.count
                groups.append(Group(paths: [file.path], shredded: file.shredded))
            }
            for (key, kind) in file.shredded {
                if let known = shredded[key], known != kind { conflicting.insert(key) }
                shredded[key] = shredded[key] ?? kind
            }
        }
        for key in conflicting { shredded[key] = .string }
    }

    /// The segment files at `paths`, grouped by the typed property columns their footers name.
    package init(reading paths: [String]) throws(UpliftError) {
        var files: [(path: String, shredded: [String: ShreddedProperty.Kind])] = []
        for path in paths {
            var kinds: [String: ShreddedProperty.Kind] = [:]
            for property in try SegmentReader.shredding(path: path).properties { kinds[property.key] = property.kind }
            files.append((path, kinds))
        }
        self.init(files)
    }

    package var isEmpty: Bool { groups.isEmpty }
    package var paths: [String] { groups.flatMap(\.paths) }

    /// The events as one relation: `relation(i)` reads group `i`. One group is read as it is; several are one
    /// `UNION ALL` of the columns questions read, each typed property column as `shredded` says.
    package func events(_ dialect: SQLDialect, relation: (Int) -> String) -> String {
        guard groups.count > 1 || !conflicting.isEmpty else { return groups.isEmpty ? "" : relation(0) }
        let keys = shredded.keys.sorted()
        let selects = groups.enumerated().map { (i, group) in
            let columns = keys.map { key in
                let name = dialect.identifier(ShreddedProperty.columnPrefix + key)
                guard group.shredded[key] != nil else {
                    return "CAST(NULL AS \(dialect.type(shredded[key]!))) AS \(name)"
                }
                return conflicting.contains(key) ? "\(dialect.text(name)) AS \(name)" : name
            }
            let base = ["event", "distinct_id", dialect.identifier("timestamp"), "properties", "context"]
            return "SELECT " + (base + columns).joined(separator: ", ") + " FROM " + relation(i)
        }
        return "(" + selects.joined(separator: " UNION ALL ") + ")"
    }
}

extension SQLDialect {
    /// The SQL type of a typed property column.
    func type(_ kind: ShreddedProperty.Kind) -> String {
        switch kind {
        case .string: self == .duckdb ? "VARCHAR" : "STRING"
        case .integer: "BIGINT"
        case .double: "DOUBLE"
        case .boolean: "BOOLEAN"
        }
    }
}
