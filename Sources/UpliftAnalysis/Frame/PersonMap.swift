package import UpliftModel
package import UpliftStorage

/// The person links a query applies: every link at `base.version` (as bytes, from the person map
/// file or the catalog) and the links that changed since, at `version`. Ids in neither are their
/// own person. `version` is nil for links that did not come from a catalog (tests, fixtures): such a
/// map is never matched against the engine's cached person map.
package struct PersonMap: Sendable, ExpressibleByDictionaryLiteral {
    package let base: PersonMapColumns
    package let changes: PersonLinks
    package let version: Int64?

    package init(base: PersonMapColumns, changes: PersonLinks = PersonLinks(), version: Int64) {
        self.base = base
        self.changes = changes
        self.version = version
    }

    /// Linked id → person id, unversioned.
    package init(_ links: [String: String]) {
        base = PersonMapColumns(version: 0, chunks: [])
        changes = PersonLinks(links)
        version = nil
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
