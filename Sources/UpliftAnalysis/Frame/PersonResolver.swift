package import UpliftModel

/// Maps distinct-id codes to person codes: ids linked by identify/alias share the code of their
/// person's id (the catalog's resolved person); every other id is its own person.
package struct PersonResolver: Sendable {
    /// Indexed by distinct-id code.
    package private(set) var personOf: [Int32]
    /// Linked ids not yet in the dictionary when the map was made, with their person's code: they
    /// get mapped when a later segment brings them (see `extended(to:)`).
    private var waiting: [(id: String, person: Int32)]

    /// `links`: distinct id → person id, for linked ids only (the catalog's `person_ids`).
    package init(links: [String: String], dictionary: ProjectDictionary) {
        self.init(links: PersonLinks(links), dictionary: dictionary)
    }

    /// Each person's id is interned once, however many ids it has; each linked id is looked up once.
    package init(links: PersonLinks, dictionary: ProjectDictionary) {
        let roots = dictionary.intern(links.persons)
        // Counted before the lookup: an id interned meanwhile by another query waits instead of
        // landing in the map as its own person.
        let known = dictionary.count
        let codes = dictionary.codes(of: links.ids)
        var personOf = [Int32](unsafeUninitializedCapacity: known) { buffer, initialized in
            for code in 0..<known { buffer[code] = Int32(code) }
            initialized = known
        }
        var waiting: [(id: String, person: Int32)] = []
        for (index, code) in codes.enumerated() {
            let root = roots[Int(links.personIndex[index])]
            if let code, code < known { personOf[Int(code)] = root } else { waiting.append((links.ids[index], root)) }
        }
        self.personOf = personOf
        self.waiting = waiting
    }

    /// The same map over a dictionary that has grown since: new ids are their own persons unless
    /// linked. Cheap when nothing was added.
    package func extended(to dictionary: ProjectDictionary) -> PersonResolver {
        let known = dictionary.count
        guard known > personOf.count else { return self }
        var next = self
        next.personOf.append(contentsOf: Int32(personOf.count)..<Int32(known))
        let codes = dictionary.codes(of: waiting.map(\.id))
        next.waiting = []
        for (link, code) in zip(waiting, codes) {
            if let code, code < known { next.personOf[Int(code)] = link.person } else { next.waiting.append(link) }
        }
        return next
    }
}
