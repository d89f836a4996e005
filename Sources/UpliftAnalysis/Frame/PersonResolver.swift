import UpliftModel
import UpliftStorage

/// Maps distinct-id codes to person codes: ids linked by identify/alias share the code of their
/// person's id (the catalog's resolved person); every other id is its own person.
package struct PersonResolver: Sendable {
    /// Indexed by distinct-id code.
    package private(set) var personOf: [Int32]
    /// The catalog version of the links applied (nil: unversioned links).
    package private(set) var version: Int64?

    /// `links`: distinct id → person id, for linked ids only (the catalog's `person_ids`).
    package init(links: [String: String], dictionary: ProjectDictionary) {
        self.init(PersonMap(links), dictionary: dictionary)
    }

    /// Every linked id and its person are interned (a person's ids sit together in the base, so its
    /// id is probed once per run): linked ids a query never reads cost a code, and the map needs no
    /// list of ids still to come.
    package init(_ map: PersonMap, dictionary: ProjectDictionary) {
        personOf = []
        version = map.version
        var pairs: [(ids: [Int32], persons: [Int32])] = []
        for chunk in map.base.chunks {
            pairs.append((dictionary.intern(chunk.ids), dictionary.intern(chunk.persons)))
        }
        grow(to: dictionary.count)
        for (ids, persons) in pairs {
            personOf.withUnsafeMutableBufferPointer { personOf in
                for i in ids.indices { personOf[Int(ids[i])] = persons[i] }
            }
        }
        apply(map.changes, dictionary: dictionary)
    }

    /// This map with `map`'s changes applied: exact when this map is at a version from `map.base`'s
    /// to `map`'s (an id the changes leave out kept its person since the base).
    package func updated(to map: PersonMap, dictionary: ProjectDictionary) -> PersonResolver {
        var next = self
        next.version = map.version
        next.apply(map.changes, dictionary: dictionary)
        return next
    }

    /// The same map over a dictionary that has grown since: new ids are their own persons unless
    /// linked. Cheap when nothing was added.
    package func extended(to dictionary: ProjectDictionary) -> PersonResolver {
        let known = dictionary.count
        guard known > personOf.count else { return self }
        var next = self
        next.grow(to: known)
        return next
    }

    private mutating func apply(_ changes: PersonLinks, dictionary: ProjectDictionary) {
        guard !changes.isEmpty else {
            grow(to: dictionary.count)
            return
        }
        let ids = dictionary.intern(changes.ids)
        let persons = dictionary.intern(changes.persons)
        grow(to: dictionary.count)
        for (id, person) in zip(ids, changes.personIndex) { personOf[Int(id)] = persons[Int(person)] }
    }

    /// New codes up to `count` are their own persons.
    private mutating func grow(to count: Int) {
        guard count > personOf.count else { return }
        personOf.append(contentsOf: Int32(personOf.count)..<Int32(count))
    }
}
