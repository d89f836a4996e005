import UpliftModel

/// One column of a result's schema.
package struct ArrowField: Sendable, Equatable {
    /// The column's name as Spark gives it (`count(1)`, an alias); names may repeat.
    package var name: String
    /// The type the schema declares (the decoded `ArrowColumn` may be wider).
    package var type: ArrowType
    package var nullable: Bool

    package init(name: String, type: ArrowType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// How error messages name the column: `column 'n' (int64)`, the name quoted, as short and
    /// escaped as `UpliftError.quote` makes it (and the type too when a time zone makes it odd).
    var label: String {
        let type = type.description
        let plain = type.count <= 64 && type.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        return "column \(UpliftError.quote(name)) (\(plain ? type : UpliftError.quote(type)))"
    }
}
