package import UpliftModel

/// Reads the members of a query's JSON object, naming the field in every error and refusing
/// members it does not know (a typo such as `windw` would otherwise be ignored silently).
package struct QueryFields {
    private var members: [String: JSONValue] = [:]
    private var read: Set<String> = []
    package let prefix: String

    package init(_ value: JSONValue, prefix: String = "") throws(UpliftError) {
        guard case .object(let list) = value else {
            throw UpliftError(
                .invalidInput, "\(prefix.isEmpty ? "the query" : String(prefix.dropLast())) must be a JSON object")
        }
        for (key, member) in list { members[key] = member }
        self.prefix = prefix
    }

    package func name(_ key: String) -> String { prefix + key }

    package mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        guard let v = members[key], v != .null else { return nil }
        return v
    }

    package mutating func string(_ key: String) throws(UpliftError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw UpliftError(.invalidInput, "\(name(key)) must be a string") }
        return s
    }

    package mutating func requiredString(_ key: String) throws(UpliftError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw UpliftError(.invalidInput, "\(name(key)) is required") }
        return s
    }

    package mutating func int(_ key: String, in range: ClosedRange<Int>) throws(UpliftError) -> Int? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue, d == d.rounded(), let n = Int(exactly: d), range.contains(n) else {
            throw UpliftError(
                .invalidInput, "\(name(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    package mutating func bool(_ key: String) throws(UpliftError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw UpliftError(.invalidInput, "\(name(key)) must be true or false") }
        return b
    }

    package mutating func array(_ key: String) throws(UpliftError) -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw UpliftError(.invalidInput, "\(name(key)) must be an array") }
        return items
    }

    package mutating func choice<T: RawRepresentable & CaseIterable>(
        _ key: String, _ type: T.Type
    ) throws(UpliftError) -> T? where T.RawValue == String {
        guard let s = try string(key) else { return nil }
        guard let v = T(rawValue: s) else {
            throw UpliftError(
                .invalidInput,
                "\(name(key)) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(UpliftError.quote(s))"
            )
        }
        return v
    }

    package mutating func duration(_ key: String) throws(UpliftError) -> TimeLength? {
        guard let s = try string(key) else { return nil }
        guard let d = TimeLength(s) else {
            throw UpliftError(
                .invalidInput,
                "\(name(key)): \(UpliftError.quote(s)) is not a length of time; write a number and a unit: 30m, 24h, 7d, 2w (at most 365 days)"
            )
        }
        return d
    }

    /// `where`: a list of filters, each an object `{"property","op","value"}` or the command-line text form.
    package mutating func filters(_ key: String) throws(UpliftError) -> [PropertyFilter] {
        guard let items = try array(key) else { return [] }
        var out: [PropertyFilter] = []
        for (i, item) in items.enumerated() {
            let field = "\(name(key))[\(i)]"
            switch item {
            case .string(let text): out.append(try PropertyFilter(parsing: text, field: field))
            case .object:
                var f = try QueryFields(item, prefix: field + ".")
                let property = try f.requiredString("property")
                let op = try f.choice("op", PropertyFilter.Operator.self) ?? .eq
                var values: [String] = []
                if let v = f.value("value") {
                    switch v {
                    case .array(let list):
                        values = try list.map { (x) throws(UpliftError) in
                            try Self.scalarText(x, field: field + ".value")
                        }
                    default: values = [try Self.scalarText(v, field: field + ".value")]
                    }
                }
                try f.finish()
                let filter = PropertyFilter(property: PropertyRef(property), op: op, values: values)
                try filter.validate(field: field)
                out.append(filter)
            default:
                throw UpliftError(
                    .invalidInput,
                    "\(field) must be an object {\"property\",\"op\",\"value\"} or a text such as \"plan=pro\"")
            }
        }
        return out
    }

    package static func scalarText(_ v: JSONValue, field: String) throws(UpliftError) -> String {
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw UpliftError(.invalidInput, "\(field) must be a string, number or boolean")
        }
    }

    /// Fails on the first member no reader asked for.
    package func finish() throws(UpliftError) {
        for key in members.keys.sorted() where !read.contains(key) {
            throw UpliftError(
                .invalidInput,
                "\(name(key)) is not a field of this query; check the spelling (see schemas/openapi.yaml)")
        }
    }
}
