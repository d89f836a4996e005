package import UpliftAnalysis
package import UpliftCatalog
package import UpliftModel
import UpliftStorage

/// Loads the person links a query applies. From the person map file beside the events
/// (`PersonMapFile`) plus the catalog's changes since its version, so that a fresh process reads
/// its links at file speed; from every link in the catalog when there is no usable file or the
/// changes outgrew it, and then the file is rewritten at the catalog's version for the next process.
package enum PersonMapLoader {
    /// `previous`: links this process loaded before (the server's), used as the base instead of the file.
    package static func load(
        catalog: Catalog, dataDirectory: String, project: ProjectSlug, previous: PersonMap? = nil
    ) async throws(UpliftError) -> PersonMap {
        let catalogID = try await catalog.catalogID()
        let path = PersonMapFile.path(root: dataDirectory, project: project)
        let base: PersonMapColumns? =
            if let previous, previous.version != nil { previous.base } else {
                PersonMapFile.read(path: path, catalogID: catalogID)
            }
        if let base,
            let changes = try await catalog.personLinkChanges(
                project: project, since: base.version, limit: changesLimit(base: base.count)),
            changes.version >= base.version
        {
            if let previous, previous.version == changes.version { return previous }
            return PersonMap(base: base, changes: changes.links, version: changes.version)
        }
        let table = try await catalog.personLinkTable(project: project)
        // The file only speeds up the next process: one that cannot be written (a read-only data
        // directory, a full disk) leaves the next process reading the catalog, as this one did.
        try? PersonMapFile.write(table.links, version: table.version, catalogID: catalogID, to: path)
        return PersonMap(base: PersonMapColumns(version: table.version, links: table.links), version: table.version)
    }

    /// The person map file of `project` at the catalog's current links, written anew unless it already is:
    /// for engines that join the file itself (compiled SQL), where links applied on top are not possible.
    package static func currentFile(
        catalog: Catalog, dataDirectory: String, project: ProjectSlug
    ) async throws(UpliftError) -> String {
        let catalogID = try await catalog.catalogID()
        let path = PersonMapFile.path(root: dataDirectory, project: project)
        if let base = PersonMapFile.read(path: path, catalogID: catalogID),
            let changes = try await catalog.personLinkChanges(project: project, since: base.version, limit: 0),
            changes.version == base.version
        {
            return path
        }
        let table = try await catalog.personLinkTable(project: project)
        try PersonMapFile.write(table.links, version: table.version, catalogID: catalogID, to: path)
        return path
    }

    /// Beyond this many changed ids, reading every link is cheaper than applying changes read row by row.
    static func changesLimit(base: Int) -> Int { max(20_000, base / 8) }
}
