/// YAML documents an attacker would send.
package enum HostileYAML {
    /// "Billion laughs": the lines of `levels` anchors, each a list of ten aliases to the one before
    /// (`lol9` stands for 10^9 strings), as members of a mapping.
    package static func laughs(levels: Int = 9) -> [String] {
        var lines = ["lol0: &lol0 \"lol\""]
        for level in 1...levels {
            let aliases = Array(repeating: "*lol\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("lol\(level): &lol\(level) [\(aliases)]")
        }
        return lines
    }

    /// An experiment definition whose metric's event is `*lol9` (about 1.4 KB; the first anchor on line 3).
    package static func billionLaughs(levels: Int = 9) -> String {
        let lines =
            ["key: laughs", "variants: [{key: control}, {key: test}]"] + laughs(levels: levels)
            + ["metrics: [{name: m, event: *lol\(levels)}]"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same expansion reached through a mapping's key (`? *lol9`), which a YAML composer hashes
    /// to find duplicate keys before any value is looked at (the first anchor on line 1).
    package static func laughingKey(levels: Int = 9) -> String {
        (laughs(levels: levels) + ["? *lol\(levels)", ": 1"]).joined(separator: "\n") + "\n"
    }
}
