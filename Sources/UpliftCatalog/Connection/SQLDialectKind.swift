/// The two databases the catalog runs on. Every difference between them in the code is a
/// `switch` over this, so they stay few and visible.
package enum CatalogDialect: String, Sendable {
    case sqlite, postgres
}
