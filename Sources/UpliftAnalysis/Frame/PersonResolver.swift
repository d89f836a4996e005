/// Maps distinct-id codes to person codes: ids linked by identify/alias share the code of their
/// person's id (the catalog's resolved person); every other id is its own person.
package struct PersonResolver: Sendable {
    /// Indexed by distinct-id code.
    package let personOf: [Int32]

    /// `links`: distinct id → person id, for linked ids only (the catalog's `person_ids`).
    package init(links: [String: String], dictionary: ProjectDictionary) {
        let ids = Array(links.keys)
        let roots = dictionary.intern(ids.map { links[$0]! })
        let codes = dictionary.codes(of: ids)
        var personOf = (0..<Int32(dictionary.count)).map { $0 }
        for (code, root) in zip(codes, roots) {
            if let code { personOf[Int(code)] = root }
        }
        self.personOf = personOf
    }
}
