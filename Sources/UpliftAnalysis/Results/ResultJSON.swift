import UpliftModel

/// `part / whole`, 0 when `whole` is 0.
func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
