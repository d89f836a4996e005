package import UpliftModel

extension FlagDefinition {
    /// Parses and validates a YAML flag; errors name the field path and line, as for experiments.
    package init(yaml: String) throws(UpliftError) {
        let source = try DefinitionSource(yaml: yaml)
        self = try source.decode { (v) throws(FieldError) in try FlagDefinition(fields: v) }
    }

    /// Parses and validates the JSON form; the inverse of `json`.
    package init(json: JSONValue) throws(UpliftError) {
        self = try DefinitionSource(json: json).decode { (v) throws(FieldError) in try FlagDefinition(fields: v) }
    }

    init(fields value: JSONValue) throws(FieldError) {
        var f = try FieldReader(value, path: "")
        let key = try f.slug("key") ?? ""
        let description = try f.string("description") ?? ""
        let enabled = try f.bool("enabled") ?? true
        let variants =
            try f.array("variants").map { (items) throws(FieldError) in
                try VariantParsing.parse(items, path: "variants").map { Variant(key: $0.key, weight: $0.weight) }
            } ?? []
        let keys = Set(variants.map(\.key))
        var rules: [Rule] = []
        for (i, item) in (try f.array("rules") ?? []).enumerated() {
            rules.append(try Rule(fields: item, path: "rules[\(i)]", variantKeys: keys))
        }
        let hashAttribute = try f.string("hash_attribute") ?? "id"
        guard !hashAttribute.isEmpty else {
            throw FieldError(path: "hash_attribute", message: "must not be empty; leave it out for the stable id")
        }
        try f.finish()
        self.init(
            key: key, description: description, enabled: enabled, variants: variants, rules: rules,
            hashAttribute: hashAttribute)
    }
}

extension FlagDefinition.Rule {
    init(fields value: JSONValue, path: String, variantKeys: Set<String>) throws(FieldError) {
        var f = try FieldReader(value, path: path)
        var conditions: [FlagCondition] = []
        for (i, item) in (try f.array("conditions") ?? []).enumerated() {
            conditions.append(try FlagCondition(fields: item, path: "\(f.name("conditions"))[\(i)]"))
        }
        let rollout = try f.double("rollout") ?? 100
        guard rollout >= 0, rollout <= 100 else {
            throw FieldError(path: f.name("rollout"), message: "must be a percentage from 0 to 100, not \(rollout)")
        }
        let variant = try f.string("variant")
        if let variant {
            guard !variantKeys.isEmpty else {
                throw FieldError(
                    path: f.name("variant"), message: "is only used by flags with variants; this flag is on or off")
            }
            guard variantKeys.contains(variant) else {
                throw FieldError(
                    path: f.name("variant"),
                    message:
                        "\(UpliftError.quote(variant)) is not one of the flag's variants (\(variantKeys.sorted().joined(separator: ", ")))"
                )
            }
        }
        try f.finish()
        self.init(conditions: conditions, rollout: rollout, variant: variant)
    }
}

extension FlagCondition {
    /// `{property, op, value}`; `op` defaults to `eq`.
    init(fields value: JSONValue, path: String) throws(FieldError) {
        var f = try FieldReader(value, path: path)
        let property = try f.requiredString("property", what: "the attribute to compare")
        let op = try f.choice("op", Operator.self) ?? .eq
        let raw = f.value("value")
        try f.finish()
        let field = f.name("value")
        func scalar(_ v: JSONValue, _ p: String) throws(FieldError) -> JSONValue {
            switch v {
            case .string, .number, .bool: return v
            default: throw FieldError(path: p, message: "must be a string, number or boolean")
            }
        }
        var values: [JSONValue] = []
        switch op {
        case .isSet, .isNotSet:
            guard raw == nil else { throw FieldError(path: field, message: "is not used by \(op.rawValue)") }
        case .in, .notIn:
            guard case .array(let list)? = raw, !list.isEmpty else {
                throw FieldError(path: field, message: "\(op.rawValue) needs a non-empty list of values")
            }
            for (i, v) in list.enumerated() { values.append(try scalar(v, "\(field)[\(i)]")) }
        case .eq, .neq, .contains:
            guard let raw else { throw FieldError(path: field, message: "is required: \(op.rawValue) needs a value") }
            values = [try scalar(raw, field)]
        case .gt, .gte, .lt, .lte:
            guard let raw, Self.number(raw) != nil, case .number = raw else {
                throw FieldError(path: field, message: "\(op.rawValue) needs one number")
            }
            values = [raw]
        case .regex:
            guard case .string(let pattern)? = raw else {
                throw FieldError(path: field, message: "regex needs a pattern string")
            }
            guard (try? Regex(pattern)) != nil else {
                throw FieldError(
                    path: field, message: "\(UpliftError.quote(pattern)) is not a valid regular expression")
            }
            values = [.string(pattern)]
        }
        self.init(property: property, op: op, values: values)
    }

    package var json: JSONValue {
        var m: [(String, JSONValue)] = [("property", .string(property)), ("op", .string(op.rawValue))]
        switch op {
        case .isSet, .isNotSet: break
        case .in, .notIn: m.append(("value", .array(values)))
        default: if let v = values.first { m.append(("value", v)) }
        }
        return .object(m)
    }
}

extension FlagDefinition {
    /// The wire form; `FlagDefinition(json: f.json) == f`.
    package var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("key", .string(key)), ("description", .string(description)), ("enabled", .bool(enabled)),
        ]
        if !variants.isEmpty {
            m.append(
                (
                    "variants",
                    .array(
                        variants.map { .object([("key", .string($0.key)), ("weight", JSONValue.double($0.weight))]) })
                ))
        }
        m.append(
            (
                "rules",
                .array(
                    rules.map { rule in
                        var r: [(String, JSONValue)] = [
                            ("conditions", .array(rule.conditions.map(\.json))),
                            ("rollout", JSONValue.double(rule.rollout)),
                        ]
                        if let variant = rule.variant { r.append(("variant", .string(variant))) }
                        return .object(r)
                    })
            ))
        m.append(("hash_attribute", .string(hashAttribute)))
        return .object(m)
    }
}
