import Foundation
package import UpliftModel

/// Where a query reads a value from an event: a key of its `properties` object, or, written
/// `context.<key>`, a key of its `context` object (Segment puts `locale`, `ip`, `page`… there).
package struct PropertyRef: Sendable, Hashable, CustomStringConvertible {
    package enum Source: Sendable, Hashable { case properties, context }
    package var source: Source
    package var key: String

    package init(_ name: String) {
        if name.hasPrefix("context."), name.count > 8 {
            source = .context
            key = String(name.dropFirst(8))
        } else {
            source = .properties
            key = name
        }
    }

    package var description: String { source == .context ? "context." + key : key }
}

/// A condition on one property of an event.
///
/// Comparison rules: `eq`/`neq` compare numbers numerically when both sides are numbers, else the
/// text (a JSON string's value, `true`/`false`, a number as written); `eq` with a list matches any
/// of it. `contains` is a case-sensitive substring test on the text's UTF-8 bytes, linear in the
/// text (`SubstringSearch`); an empty operand matches nothing. `gt`/`gte`/`lt`/`lte` need
/// a number on both sides (an event whose value is not a number does not match). A missing
/// property or JSON `null` matches only `neq` and `is_not_set`.
package struct PropertyFilter: Sendable, Hashable, CustomStringConvertible {
    package enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq, neq, contains, gt, gte, lt, lte
        case isSet = "is_set"
        case isNotSet = "is_not_set"
    }

    package var property: PropertyRef
    package var op: Operator
    /// The values compared with (one, or several for `eq`/`neq`); empty for `is_set`/`is_not_set`.
    package var values: [String]

    package init(property: PropertyRef, op: Operator, values: [String] = []) {
        self.property = property
        self.op = op
        self.values = values
    }

    package var description: String {
        switch op {
        case .isSet: return "\(property)?"
        case .isNotSet: return "\(property)!?"
        default: return "\(property) \(op.rawValue) \(values.joined(separator: "|"))"
        }
    }

    /// Parses the command-line form: `prop=value`, `prop!=value`, `prop~value` (contains),
    /// `prop>value`, `prop>=value`, `prop<value`, `prop<=value`, `prop?` (is set), `prop!?` (is not set).
    /// `prop=a|b` matches either value.
    package init(parsing text: String, field: String = "where") throws(UpliftError) {
        func fail() -> UpliftError {
            UpliftError(
                .invalidInput,
                "\(field): \(UpliftError.quote(text)) is not a filter; write prop=value, prop!=value, prop~text, prop>n, prop>=n, prop<n, prop<=n, prop? or prop!?"
            )
        }
        if text.hasSuffix("!?"), text.count > 2 {
            self.init(property: PropertyRef(String(text.dropLast(2))), op: .isNotSet)
            return
        }
        if text.hasSuffix("?"), text.count > 1 {
            self.init(property: PropertyRef(String(text.dropLast())), op: .isSet)
            return
        }
        let operators: [(String, Operator)] = [
            ("!=", .neq), (">=", .gte), ("<=", .lte), ("=", .eq), ("~", .contains), (">", .gt), ("<", .lt),
        ]
        for (symbol, op) in operators {
            guard let range = text.range(of: symbol) else { continue }
            let name = String(text[..<range.lowerBound])
            let value = String(text[range.upperBound...])
            guard !name.isEmpty else { throw fail() }
            let values =
                (op == .eq || op == .neq)
                ? value.split(separator: "|", omittingEmptySubsequences: false).map(String.init) : [value]
            self.init(property: PropertyRef(name), op: op, values: values)
            try validate(field: field)
            return
        }
        throw fail()
    }

    /// Checks the operand: numeric operators need a number.
    package func validate(field: String) throws(UpliftError) {
        switch op {
        case .gt, .gte, .lt, .lte:
            guard values.count == 1, Double(values[0]) != nil else {
                throw UpliftError(
                    .invalidInput,
                    "\(field): \(op.rawValue) on \(UpliftError.quote(property.description)) needs one number, "
                        + "not \(UpliftError.quote(values.joined()))")
            }
        case .eq, .neq, .contains:
            guard !values.isEmpty else {
                throw UpliftError(
                    .invalidInput,
                    "\(field): \(op.rawValue) on \(UpliftError.quote(property.description)) needs a value")
            }
        case .isSet, .isNotSet:
            break
        }
    }
}

/// A property value as read from an event, for filters: absent, or its text and (when it is a
/// JSON number, or a string holding one) its number.
package enum PropertyValue: Sendable, Hashable {
    case absent
    case value(text: String, number: Double?)
}

extension PropertyFilter {
    /// A filter ready to test many rows: its `contains` search and numeric bound computed once.
    package struct Prepared: Sendable {
        package let filter: PropertyFilter
        private let search: SubstringSearch?
        private let bound: Double?

        package init(_ filter: PropertyFilter) {
            self.filter = filter
            search = filter.op == .contains ? filter.values.first.map(SubstringSearch.init) : nil
            bound = filter.values.count == 1 ? Double(filter.values[0]) : nil
        }

        /// Whether a value satisfies the filter (see `PropertyFilter`'s comparison rules).
        package func matches(_ value: PropertyValue) -> Bool {
            let op = filter.op
            guard case .value(let text, let number) = value else { return op == .neq || op == .isNotSet }
            switch op {
            case .isSet: return true
            case .isNotSet: return false
            case .eq: return filter.values.contains { PropertyFilter.equal(text, number, $0) }
            case .neq: return !filter.values.contains { PropertyFilter.equal(text, number, $0) }
            case .contains: return search?.occurs(in: text) ?? false
            case .gt, .gte, .lt, .lte:
                guard let number, let bound else { return false }
                switch op {
                case .gt: return number > bound
                case .gte: return number >= bound
                case .lt: return number < bound
                default: return number <= bound
                }
            }
        }
    }

    /// Whether a value satisfies the filter (see the type's comparison rules). Prepares the filter on
    /// every call: a loop over many rows holds a `Prepared` instead.
    package func matches(_ value: PropertyValue) -> Bool { Prepared(self).matches(value) }

    fileprivate static func equal(_ text: String, _ number: Double?, _ operand: String) -> Bool {
        if let number, let other = Double(operand) { return number == other }
        return text == operand
    }
}
