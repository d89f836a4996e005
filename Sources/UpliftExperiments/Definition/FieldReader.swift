package import UpliftAnalysis
package import UpliftModel

/// A problem at one field of a document (an experiment or flag definition, a PR/FAQ header); `path` is
/// written as the user would point at it: `metrics[1].denominator.event`, `goals[2].target`. The
/// document's `DefinitionSource` adds the line.
package struct FieldError: Error {
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// Reads the members of one JSON object of a document, naming the field in every error and refusing
/// members it does not know (a typo such as `hash_atribute` would otherwise be ignored silently).
package struct FieldReader {
    package let path: String
    private var members: [String: JSONValue] = [:]
    private var order: [String] = []
    private var read: Set<String> = []

    package init(_ value: JSONValue, path: String) throws(FieldError) {
        guard case .object(let list) = value else {
            throw FieldError(path: path, message: "must be an object (a mapping of fields)")
        }
        self.path = path
        for (key, member) in list {
            guard members[key] == nil else { throw FieldError(path: Self.join(path, key), message: "is given twice") }
            members[key] = member
            order.append(key)
        }
    }

    package static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
    package func name(_ key: String) -> String { Self.join(path, key) }

    /// The member (nil when absent or null), marked as known.
    package mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        guard let v = members[key], v != .null else { return nil }
        return v
    }

    package mutating func string(_ key: String) throws(FieldError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw FieldError(path: name(key), message: "must be a string") }
        return s
    }

    package mutating func requiredString(
        _ key: String, what: String = "a non-empty string"
    ) throws(FieldError) -> String {
        guard let s = try string(key) else { throw FieldError(path: name(key), message: "is required: \(what)") }
        guard !s.isEmpty else { throw FieldError(path: name(key), message: "must not be empty") }
        return s
    }

    /// A lowercase slug: letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters.
    package mutating func slug(_ key: String, required: Bool = true) throws(FieldError) -> String? {
        guard let s = required ? try requiredString(key) : try string(key) else { return nil }
        guard Self.isSlug(s) else {
            throw FieldError(
                path: name(key),
                message:
                    "\(UpliftError.quote(s)) is not a slug; use lowercase letters, digits, '-' and '_' (at most 64, starting with a letter or digit)"
            )
        }
        return s
    }

    package static func isSlug(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        for (i, b) in bytes.enumerated() {
            let alnum = (b >= 97 && b <= 122) || (b >= 48 && b <= 57)
            guard alnum || (i > 0 && (b == UInt8(ascii: "-") || b == UInt8(ascii: "_"))) else { return false }
        }
        return true
    }

    package mutating func double(_ key: String) throws(FieldError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw FieldError(path: name(key), message: "must be a number") }
        return d
    }

    package mutating func bool(_ key: String) throws(FieldError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw FieldError(path: name(key), message: "must be true or false") }
        return b
    }

    package mutating func array(_ key: String) throws(FieldError) -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw FieldError(path: name(key), message: "must be a list") }
        return items
    }

    /// A whole number in `range`.
    package mutating func int(_ key: String, in range: ClosedRange<Int>) throws(FieldError) -> Int? {
        guard let d = try double(key) else { return nil }
        guard d == d.rounded(), let n = Int(exactly: d), range.contains(n) else {
            throw FieldError(
                path: name(key), message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// A calendar date `YYYY-MM-DD` (a YAML date is read as text).
    package mutating func date(_ key: String) throws(FieldError) -> UTCDay? {
        guard let s = try string(key) else { return nil }
        guard let day = UTCDay(s), day.components.year >= 1970 else {
            throw FieldError(
                path: name(key), message: "\(UpliftError.quote(s)) is not a date; write YYYY-MM-DD, e.g. 2026-03-01")
        }
        return day
    }

    package mutating func choice<T: RawRepresentable & CaseIterable>(
        _ key: String, _ type: T.Type
    ) throws(FieldError) -> T? where T.RawValue == String {
        guard let s = try string(key) else { return nil }
        guard let v = T(rawValue: s) else {
            throw FieldError(
                path: name(key),
                message:
                    "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(UpliftError.quote(s))")
        }
        return v
    }

    package mutating func duration(_ key: String) throws(FieldError) -> TimeLength? {
        guard let s = try string(key) else { return nil }
        guard let d = TimeLength(s) else {
            throw FieldError(
                path: name(key),
                message:
                    "\(UpliftError.quote(s)) is not a length of time; write a number and a unit: 30m, 24h, 7d, 2w (at most 365 days)"
            )
        }
        return d
    }

    /// An ISO-8601 timestamp or date (`2026-03-01`, `2026-03-01T09:00:00Z`), as microseconds since the epoch.
    package mutating func timestamp(_ key: String) throws(FieldError) -> Int64? {
        guard let s = try string(key) else { return nil }
        guard let t = Timestamp.parse(s) else {
            throw FieldError(
                path: name(key),
                message:
                    "\(UpliftError.quote(s)) is not an ISO-8601 date or timestamp; write 2026-03-01 or 2026-03-01T09:00:00Z"
            )
        }
        return t
    }

    /// `where`: filters in the aggregation engine's form, each `{"property","op","value"}` or the
    /// command-line text (`plan=pro`), exactly as `FunnelQuery` reads them.
    package mutating func filters(_ key: String) throws(FieldError) -> [PropertyFilter] {
        guard let items = try array(key) else { return [] }
        var out: [PropertyFilter] = []
        for (i, item) in items.enumerated() {
            let field = "\(name(key))[\(i)]"
            switch item {
            case .string(let text):
                do { out.append(try PropertyFilter(parsing: text, field: field)) } catch {
                    throw Self.wrap(error, field)
                }
            case .object:
                var f = try FieldReader(item, path: field)
                let property = try f.requiredString("property", what: "the property to compare")
                let op = try f.choice("op", PropertyFilter.Operator.self) ?? .eq
                var values: [String] = []
                if let v = f.value("value") {
                    switch v {
                    case .array(let list):
                        for (j, x) in list.enumerated() {
                            values.append(try Self.scalarText(x, path: "\(field).value[\(j)]"))
                        }
                    default: values = [try Self.scalarText(v, path: field + ".value")]
                    }
                }
                try f.finish()
                let filter = PropertyFilter(property: PropertyRef(property), op: op, values: values)
                do { try filter.validate(field: field) } catch { throw Self.wrap(error, field) }
                out.append(filter)
            default:
                throw FieldError(
                    path: field, message: "must be an object {property, op, value} or a text such as \"plan=pro\"")
            }
        }
        return out
    }

    /// The engine's errors start with the field name; keep only what follows it.
    package static func wrap(_ error: UpliftError, _ field: String) -> FieldError {
        var message = error.message
        if message.hasPrefix(field + ": ") { message.removeFirst(field.count + 2) }
        return FieldError(path: field, message: message)
    }

    package static func scalarText(_ v: JSONValue, path: String) throws(FieldError) -> String {
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw FieldError(path: path, message: "must be a string, number or boolean")
        }
    }

    /// Every member (in document order) no reader asked for: a typo such as `dedline` would otherwise be ignored.
    package func unknownFields() -> [FieldError] {
        order.filter { !read.contains($0) }.map {
            FieldError(
                path: name($0), message: "is not a known field; check the spelling (see the JSON Schemas in schemas/)")
        }
    }

    /// Fails on the first unknown member (for nested objects such as filters).
    package func finish() throws(FieldError) {
        if let first = unknownFields().first { throw first }
    }
}
