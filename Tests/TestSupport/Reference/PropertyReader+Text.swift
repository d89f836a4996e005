package import UpliftAnalysis

extension PropertyReader {
    /// The property's value in one event's JSON object text; `.absent` when missing, null, or the
    /// text is not an object. The reference engines read one event at a time; the engine reads
    /// several properties of a row at once (`values(in:_:)`).
    package func value(in text: String) -> PropertyValue {
        var text = text
        return text.withUTF8 { Self.values(in: UnsafeRawBufferPointer($0), [self])[0] }
    }
}
