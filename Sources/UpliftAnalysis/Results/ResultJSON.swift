import UpliftModel

/// `part / whole`, 0 when `whole` is 0.
func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

/// `"partial": true` for a period only partly inside the range or still running; nothing otherwise.
func partialMember(_ partial: Bool) -> [(String, JSONValue)] { partial ? [("partial", .bool(true))] : [] }
