import UpliftModel

/// A FlatBuffers vector: a 32-bit element count, then the elements (inline structs or scalars, or
/// 32-bit offsets to tables). The whole vector is checked to fit its buffer when it is opened, so the
/// count can size an allocation safely: it is bounded by the metadata's own size.
struct FlatVector {
    let buffer: FlatBuffer
    let count: Int
    private let elements: Int
    private let elementSize: Int
    private let what: String

    init(_ buffer: FlatBuffer, lengthAt position: Int, elementSize: Int, _ what: String) throws(UpliftError) {
        self.buffer = buffer
        self.elementSize = elementSize
        self.what = what
        count = Int(try buffer.uint32(at: position, what))
        elements = position + 4
        try buffer.check(elements, size: count * elementSize, "\(what) of \(count) elements")
    }

    /// Where element `index` (a struct or scalar) starts.
    func position(of index: Int) -> Int {
        elements + index * elementSize
    }

    func int64(_ index: Int, field offset: Int = 0) throws(UpliftError) -> Int64 {
        try buffer.int64(at: position(of: index) + offset, "element \(index) of \(what)")
    }

    /// Element `index` of a vector of tables.
    func table(_ index: Int, name: String) throws(UpliftError) -> FlatTable {
        let at = position(of: index)
        return try FlatTable(buffer, position: try buffer.indirect(at: at, "element \(index) of \(what)"), name: name)
    }
}
