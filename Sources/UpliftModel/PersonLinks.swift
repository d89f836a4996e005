/// A project's person links in columns, as the catalog stores them resolved: each person's id and
/// the other distinct ids that resolve to it. Ids absent from it are their own person. Columns
/// rather than a `[String: String]`, so that loading a project's links and mapping them onto query
/// codes hashes each person's id once instead of once per linked id.
package struct PersonLinks: Sendable {
    /// The persons' ids (each once when read from the catalog).
    package private(set) var persons: [String] = []
    /// The linked ids (never a person's own id), each once.
    package private(set) var ids: [String] = []
    /// The index in `persons` of each id's person, parallel to `ids`.
    package private(set) var personIndex: [Int32] = []

    package init() {}

    /// From a map of linked id → person id (entries mapping an id to itself are left out). Persons
    /// are not grouped: finding equal ones would hash every person's id, the cost grouping saves.
    package init(_ links: [String: String]) {
        ids.reserveCapacity(links.count)
        persons.reserveCapacity(links.count)
        personIndex.reserveCapacity(links.count)
        for (id, person) in links where id != person {
            personIndex.append(Int32(persons.count))
            persons.append(person)
            ids.append(id)
        }
    }

    /// The number of linked ids.
    package var count: Int { ids.count }

    package var isEmpty: Bool { ids.isEmpty }

    /// Adds a person and the ids that resolve to it; the caller keeps each id in one person only.
    package mutating func append<Ids: Sequence<String>>(person: String, ids linked: Ids) {
        let index = Int32(persons.count)
        persons.append(person)
        for id in linked {
            ids.append(id)
            personIndex.append(index)
        }
    }

    /// Linked id → person id.
    package var dictionary: [String: String] {
        var map = [String: String](minimumCapacity: ids.count)
        for (id, index) in zip(ids, personIndex) { map[id] = persons[Int(index)] }
        return map
    }
}
