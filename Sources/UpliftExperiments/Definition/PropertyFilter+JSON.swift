import UpliftAnalysis
import UpliftModel

extension PropertyFilter {
    /// The object form `{"property","op","value"}` that `FieldReader.filters` reads back.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("property", .string(property.description)), ("op", .string(op.rawValue)),
        ]
        switch values.count {
        case 0: break
        case 1: members.append(("value", .string(values[0])))
        default: members.append(("value", .array(values.map(JSONValue.string))))
        }
        return .object(members)
    }
}

extension [PropertyFilter] {
    var json: JSONValue { .array(map(\.json)) }
}
