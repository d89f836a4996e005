/// The events one query needs, reduced to what the algorithms read: one row per event, grouped by
/// person (distinct ids already merged through the catalog's person links) and sorted by time
/// within each person.
///
/// Every algorithm (funnel, trend, adoption, retention, lifecycle, feedback) runs on a frame and
/// nothing else, so each can be checked against the naive reference engine on the same events.
package struct EventFrame: Sendable {
    /// Rows of person `p` are `personStarts[p] ..< personStarts[p + 1]`; `personStarts.count` is
    /// persons + 1. Every person of the frame has at least one row.
    package var personStarts: [Int]
    /// Event time, microseconds since the epoch (UTC), non-decreasing within a person.
    package var times: [Int64]
    /// Bit `r` set: the row matches role `r` of the request. Zero: an event of the person that
    /// matches no role (present only when the request asks for `allEvents`).
    package var roles: [UInt32]
    /// One column per `FrameRequest.strings` entry, row-aligned.
    package var strings: [StringColumn]
    /// One column per `FrameRequest.numbers` entry, row-aligned; NaN where the row has no number.
    package var numbers: [[Double]]
    /// The id each person is known by (the merged person's id), for output such as comments.
    package var personIDs: PersonIDs

    package init(
        personStarts: [Int] = [0], times: [Int64] = [], roles: [UInt32] = [], strings: [StringColumn] = [],
        numbers: [[Double]] = [], personIDs: [String] = []
    ) {
        self.personStarts = personStarts
        self.times = times
        self.roles = roles
        self.strings = strings
        self.numbers = numbers
        self.personIDs = PersonIDs(personIDs)
    }

    package var personCount: Int { personStarts.count - 1 }
    package var rowCount: Int { times.count }

    package func rows(of person: Int) -> Range<Int> { personStarts[person]..<personStarts[person + 1] }
}

/// The ids of a frame's persons: codes into the project's distinct ids, looked up when read (most
/// questions never read them, and copying half a million strings per query would cost more than grouping).
package struct PersonIDs: RandomAccessCollection, Equatable, Sendable {
    private let codes: [Int32]
    private let ids: IDs

    private enum IDs: Sendable {
        case list([String])
        /// A `String` is made only for the persons read (a cold query's dictionary holds a million ids).
        case dictionary(ProjectDictionary)
    }

    package init(codes: [Int32], dictionary: ProjectDictionary) {
        self.codes = codes
        ids = .dictionary(dictionary)
    }

    package init(_ list: [String]) {
        codes = Array(0..<Int32(list.count))
        ids = .list(list)
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { codes.count }
    package subscript(person: Int) -> String {
        switch ids {
        case .list(let list): list[Int(codes[person])]
        case .dictionary(let dictionary): dictionary.string(codes[person])
        }
    }

    package static func == (a: PersonIDs, b: PersonIDs) -> Bool { a.elementsEqual(b) }
}

/// A string property read for some rows: a code per row into `values`, -1 where the row has no
/// value (property absent or null, or the row's roles were not asked for).
package struct StringColumn: Sendable {
    package var codes: [Int32]
    package var values: [String]

    package init(codes: [Int32] = [], values: [String] = []) {
        self.codes = codes
        self.values = values
    }

    package func value(at row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : values[Int(code)]
    }
}

/// What a query asks the frame builder for.
package struct FrameRequest: Sendable {
    /// Up to 32 roles; a row's `roles` has bit `r` set when the event matches role `r`.
    package var roles: [Role]
    /// Keep events that match no role too (strict funnels need every event of a person).
    /// Events named in `EventFrame.bookkeepingEvents` are never kept as role-less rows.
    package var allEvents: Bool
    /// Only events with `from <= time < to` are read.
    package var from: Int64
    package var to: Int64
    /// Conditions every role-matching event must meet (the query's global `where`).
    package var filters: [PropertyFilter]
    /// String properties to read, each for the rows matching any role in its mask.
    package var strings: [PropertyRequest]
    /// Number properties to read, each for the rows matching any role in its mask.
    package var numbers: [PropertyRequest]
    /// False for queries that count events, not persons (trend counts and sums): the frame is then
    /// one unnamed group of rows in storage order (not time-sorted), which saves the grouping pass.
    package var groupByPerson = true
    /// Stops the frame's build when the query's time runs out or its client goes away; nil: never.
    package var budget: QueryBudget?

    /// The events whose rows this request can keep, nil when it may keep any (a role for any event, or
    /// `allEvents`).
    package var namedEvents: Set<String>? {
        guard !allEvents else { return nil }
        var names = Set<String>()
        for role in roles {
            guard let event = role.event else { return nil }
            names.insert(event)
        }
        return names
    }

    package init(
        roles: [Role], allEvents: Bool = false, from: Int64, to: Int64, filters: [PropertyFilter] = [],
        strings: [PropertyRequest] = [], numbers: [PropertyRequest] = []
    ) {
        self.roles = roles
        self.allEvents = allEvents
        self.from = from
        self.to = to
        self.filters = filters
        self.strings = strings
        self.numbers = numbers
    }

    /// One thing an event can be for a query: a funnel step, an exclusion, the feature of an
    /// adoption goal, "any activity" …
    package struct Role: Sendable, Hashable {
        /// The event name; nil matches any event except the bookkeeping ones.
        package var event: String?
        /// Conditions on the event's properties, all of which must hold.
        package var filters: [PropertyFilter]

        package init(event: String?, filters: [PropertyFilter] = []) {
            self.event = event
            self.filters = filters
        }
    }

    package struct PropertyRequest: Sendable, Hashable {
        package var property: PropertyRef
        /// Read for rows whose roles intersect this mask.
        package var roleMask: UInt32

        package init(_ property: PropertyRef, roleMask: UInt32) {
            self.property = property
            self.roleMask = roleMask
        }
    }
}

extension EventFrame {
    /// Messages that record who a person is rather than something they did: identify, alias and
    /// group. "Any event" roles skip them, and strict funnels do not count them as interruptions.
    package static let bookkeepingEvents: Set<String> = ["$identify", "$create_alias", "$groupidentify"]
}
