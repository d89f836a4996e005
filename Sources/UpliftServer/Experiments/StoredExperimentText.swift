import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// The stored JSON of an experiment is the library's JSON form plus what the catalog records on a
/// status change (`shipped_variant`), which the definition model has no field for: it is taken out
/// before the strict parse.
enum StoredExperimentText {
    static let shippedMember = StoredExperiment.shippedVariantMember

    static func definition(_ stored: StoredExperiment) throws(UpliftError) -> ExperimentDefinition {
        try ExperimentDefinition(json: try JSONValue(parsing: Array(stored.authoredDefinition.utf8)))
    }

    /// The keys of the stored definition's variants (empty when unreadable).
    static func variantKeys(_ text: String) -> [String] {
        guard let json = try? JSONValue(parsing: Array(text.utf8)), case .array(let variants)? = json["variants"] else { return [] }
        return variants.compactMap { if case .string(let key)? = $0["key"] { key } else { nil } }
    }
}
