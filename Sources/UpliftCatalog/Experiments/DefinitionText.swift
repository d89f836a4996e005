import UpliftModel

/// Checks on what the catalog stores for experiments and flags, and the one edit it makes to a
/// definition's text (recording a status change) without knowing the definition's model.
enum DefinitionText {
    /// A definition's text: at most 1 MB, and a JSON object.
    static let maxBytes = 1 << 20

    static func validKey(_ key: String, _ what: String) throws(UpliftError) {
        guard !key.isEmpty, key.utf8.count <= 200, !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "/" })
        else {
            throw UpliftError(.invalidInput, "\(what) key must be 1 to 200 bytes without control characters or '/'")
        }
    }

    static func parse(_ text: String, _ what: String) throws(UpliftError) -> [(String, JSONValue)] {
        guard text.utf8.count <= maxBytes else {
            throw UpliftError(
                .tooLarge, "\(what) definition is \(text.utf8.count) bytes; keep it under \(maxBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: Array(text.utf8))
        } catch {
            throw UpliftError(.invalidJSON, "\(what) definition is not valid JSON: \(error.message)")
        }
        guard case .object(let members) = value else {
            throw UpliftError(.invalidInput, "\(what) definition must be a JSON object")
        }
        return members
    }

    /// The text with `updates` set (replacing members of the same name, else appended) and the
    /// members named in `removing` taken out.
    static func setting(
        _ updates: [(String, JSONValue)], removing: [String] = [], in text: String, _ what: String
    ) throws(UpliftError) -> String {
        var members = try parse(text, what)
        members.removeAll { removing.contains($0.0) }
        for (name, value) in updates {
            members.removeAll { $0.0 == name }
            members.append((name, value))
        }
        return JSONValue.object(members).compactText
    }
}
