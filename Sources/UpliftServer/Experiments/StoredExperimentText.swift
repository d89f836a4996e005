import UpliftExperiments
import UpliftModel

/// The stored JSON of an experiment is the library's JSON form plus what the catalog records on a
/// status change (`shipped_variant`), which the definition model does not (yet) have a field for.
enum StoredExperimentText {
    static let shippedMember = "shipped_variant"

    /// The definition, with the shipped variant (if any) taken out before the strict parse.
    static func definition(_ text: String) throws(UpliftError) -> (ExperimentDefinition, shipped: String?) {
        let json = try JSONValue(parsing: Array(text.utf8))
        guard case .object(var members) = json else {
            throw UpliftError(.corrupt, "a stored experiment definition is not a JSON object")
        }
        var shipped: String?
        if case .string(let variant)? = json[shippedMember] { shipped = variant }
        members.removeAll { $0.0 == shippedMember }
        return (try ExperimentDefinition(json: .object(members)), shipped)
    }

    /// The keys of the stored definition's variants (empty when unreadable).
    static func variantKeys(_ text: String) -> [String] {
        guard let json = try? JSONValue(parsing: Array(text.utf8)), case .array(let variants)? = json["variants"] else { return [] }
        return variants.compactMap { if case .string(let key)? = $0["key"] { key } else { nil } }
    }
}
