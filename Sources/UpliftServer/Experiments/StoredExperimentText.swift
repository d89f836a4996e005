import UpliftCatalog
import UpliftExperiments
import UpliftModel

/// The stored JSON of an experiment is the library's JSON form (the catalog keeps `status` and
/// `shipped_variant` in it up to date on a status change).
enum StoredExperimentText {
    static let shippedMember = StoredExperiment.shippedVariantMember

    static func definition(_ stored: StoredExperiment) throws(UpliftError) -> ExperimentDefinition {
        try ExperimentDefinition(json: try JSONValue(parsing: Array(stored.definition.utf8)))
    }

    /// The keys of the stored definition's variants (empty when unreadable).
    static func variantKeys(_ text: String) -> [String] {
        guard let json = try? JSONValue(parsing: Array(text.utf8)), case .array(let variants)? = json["variants"] else {
            return []
        }
        return variants.compactMap { if case .string(let key)? = $0["key"] { key } else { nil } }
    }
}
