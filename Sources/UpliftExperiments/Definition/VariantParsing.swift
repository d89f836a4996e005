import UpliftModel

/// The variant list shared by experiments and multivariate flags: 2 to 20 `{key, weight?}` with
/// unique slug keys and weights that are all given or all left out (then equal), non-negative and
/// summing to 1 (±1e-6).
enum VariantParsing {
    static let countRange = 2...20
    static let tolerance = 1e-6

    static func parse(_ items: [JSONValue], path: String) throws(FieldError) -> [(key: String, weight: Double)] {
        guard countRange.contains(items.count) else {
            throw FieldError(
                path: path,
                message: "must list \(countRange.lowerBound) to \(countRange.upperBound) variants, not \(items.count)")
        }
        var out: [(key: String, weight: Double?)] = []
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let field = "\(path)[\(i)]"
            var f = try FieldReader(item, path: field)
            let key = try f.slug("key") ?? ""
            guard seen.insert(key).inserted else {
                throw FieldError(
                    path: field + ".key", message: "'\(key)' is used by an earlier variant; variant keys must be unique"
                )
            }
            let weight = try f.double("weight")
            if let weight, weight < 0 { throw FieldError(path: field + ".weight", message: "must not be negative") }
            try f.finish()
            out.append((key, weight))
        }
        let given = out.filter { $0.weight != nil }.count
        if given == 0 {
            return out.map { ($0.key, 1 / Double(out.count)) }
        }
        if given != out.count, let missing = out.firstIndex(where: { $0.weight == nil }) {
            throw FieldError(
                path: "\(path)[\(missing)].weight",
                message: "is required when another variant has a weight (give all weights or none)")
        }
        let weights = out.map { $0.weight ?? 0 }
        let total = weights.reduce(0, +)
        guard abs(total - 1) <= tolerance else {
            throw FieldError(path: path, message: "weights must sum to 1, not \(total)")
        }
        return out.map { ($0.key, $0.weight ?? 0) }
    }
}
