/// Numbers beyond the range of a double (`1e400`, a 400-digit integer) are refused at ingest: stored,
/// they would read as infinity and turn every sum over them into nothing. The whole message is
/// checked, at any depth, since any numeric property may be summed later.
extension WireDecoder {
    /// Refuses the message when it holds a number that is not finite as a double, naming the field.
    func checkNumbers(_ view: JSONView, _ object: Int, field: String? = nil) throws(Rejection) {
        var i = object
        let end = Int(view[object].next)
        while i < end {
            if view.kind(i) == .number, !Self.isFinite(view, i) {
                let path = Self.path(to: i, in: view, from: object, prefix: field ?? "") ?? (field ?? "a field")
                throw Rejection(
                    "number_out_of_range",
                    "`\(path)` is a number beyond the range of a double (about ±1.8e308); send a finite number")
            }
            i += 1
        }
    }

    /// Whether a number entry is finite as a double. Short numbers without an exponent always are.
    static func isFinite(_ view: JSONView, _ index: Int) -> Bool {
        let raw = view.raw(index)
        if raw.count <= 20, !raw.contains(UInt8(ascii: "e")), !raw.contains(UInt8(ascii: "E")) { return true }
        return Double(String(decoding: raw, as: UTF8.self))?.isFinite ?? false
    }

    /// The dotted path from `root` to the entry `target` (`properties.items[2].price`). Member names
    /// that are not plain identifiers of at most 64 characters are written `…`, so that a message
    /// never quotes arbitrary client text.
    static func path(to target: Int, in view: JSONView, from root: Int, prefix: String) -> String? {
        if root == target { return prefix }
        switch view.kind(root) {
        case .object:
            var found: String?
            view.forEachMember(root) { key, value in
                guard target >= value, target < max(Int(view[value].next), value + 1) else { return true }
                let name = memberName(view, key)
                found = path(to: target, in: view, from: value, prefix: prefix.isEmpty ? name : prefix + "." + name)
                return false
            }
            return found
        case .array:
            var found: String?
            var k = 0
            view.forEachElement(root) { element in
                if found == nil, target >= element, target < max(Int(view[element].next), element + 1) {
                    found = path(to: target, in: view, from: element, prefix: prefix + "[\(k)]")
                }
                k += 1
            }
            return found
        default:
            return nil
        }
    }

    private static func memberName(_ view: JSONView, _ key: Int) -> String {
        let name = view.string(key) ?? ""
        let plain =
            !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
                    || c == UInt8(ascii: "$") || c == UInt8(ascii: "-")
            }
        return plain ? name : "…"
    }
}
