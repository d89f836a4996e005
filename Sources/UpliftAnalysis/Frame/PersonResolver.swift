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
        let ids = Array(links.keys)
        let roots = dictionary.intern(ids.map { links[$0]! })
        // Counted before the lookup: an id interned meanwhile by another query waits instead of
        // landing in the map as its own person.
        let known = dictionary.count
        let codes = dictionary.codes(of: ids)
        var personOf = (0..<Int32(known)).map { $0 }
        var waiting: [(id: String, person: Int32)] = []
        for (index, (code, root)) in zip(codes, roots).enumerated() {
            if let code, code < known { personOf[Int(code)] = root } else { waiting.append((ids[index], root)) }
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
