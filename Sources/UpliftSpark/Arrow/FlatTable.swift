import UpliftModel

/// One FlatBuffers table: a signed offset to its vtable, then its inline fields, which the vtable
/// locates by field id (an absent or zero entry means the field holds its default).
///
/// The vtable and the table's inline part are both bounds-checked when the table is opened, and every
/// field must fit inside the inline size the vtable declares, so a field read cannot wander into a
/// neighbouring object.
struct FlatTable {
    let buffer: FlatBuffer
    let position: Int
    /// Names the table in error messages ("a Field table").
    let name: String
    private let vtable: Int
    private let vtableSize: Int
    private let inlineSize: Int

    init(_ buffer: FlatBuffer, position: Int, name: String = "a table") throws(UpliftError) {
        self.buffer = buffer
        self.position = position
        self.name = name
        let vtableOffset = try buffer.int32(at: position, "\(name)'s vtable offset")
        vtable = position - Int(vtableOffset)
        vtableSize = Int(try buffer.uint16(at: vtable, "\(name)'s vtable"))
        inlineSize = Int(try buffer.uint16(at: vtable + 2, "\(name)'s vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0, inlineSize >= 4 else {
            throw buffer.corrupt("\(name)'s vtable declares impossible sizes (\(vtableSize), \(inlineSize))")
        }
        try buffer.check(vtable, size: vtableSize, "\(name)'s vtable")
        try buffer.check(position, size: inlineSize, name)
    }

    /// Where field `id`'s inline value of `size` bytes lies, or nil when the field is absent.
    private func field(_ id: Int, size: Int) throws(UpliftError) -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.uint16(at: vtable + slot, "\(name)'s vtable"))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + size <= inlineSize else {
            throw buffer.corrupt("field \(id) of \(name) lies outside the table")
        }
        return position + offset
    }

    func int64(_ id: Int, default value: Int64 = 0) throws(UpliftError) -> Int64 {
        guard let at = try field(id, size: 8) else { return value }
        return try buffer.int64(at: at, "field \(id) of \(name)")
    }

    func int32(_ id: Int, default value: Int32 = 0) throws(UpliftError) -> Int32 {
        guard let at = try field(id, size: 4) else { return value }
        return try buffer.int32(at: at, "field \(id) of \(name)")
    }

    func int16(_ id: Int, default value: Int16 = 0) throws(UpliftError) -> Int16 {
        guard let at = try field(id, size: 2) else { return value }
        return Int16(bitPattern: try buffer.uint16(at: at, "field \(id) of \(name)"))
    }

    func uint8(_ id: Int, default value: UInt8 = 0) throws(UpliftError) -> UInt8 {
        guard let at = try field(id, size: 1) else { return value }
        return try buffer.uint8(at: at, "field \(id) of \(name)")
    }

    func bool(_ id: Int, default value: Bool = false) throws(UpliftError) -> Bool {
        try uint8(id, default: value ? 1 : 0) != 0
    }

    /// Whether field `id` is set at all (Arrow marks compression, dictionaries and the like by presence).
    func has(_ id: Int) throws(UpliftError) -> Bool {
        try field(id, size: 0) != nil
    }

    /// The sub-table (or union member) that field `id` points to.
    func table(_ id: Int, name child: String) throws(UpliftError) -> FlatTable? {
        guard let at = try field(id, size: 4) else { return nil }
        return try FlatTable(buffer, position: try buffer.indirect(at: at, "field \(id) of \(name)"), name: child)
    }

    func string(_ id: Int, _ what: String) throws(UpliftError) -> String? {
        guard let at = try field(id, size: 4) else { return nil }
        return try buffer.string(at: try buffer.indirect(at: at, what), what)
    }

    /// The vector that field `id` points to, its elements `elementSize` bytes each (4 for tables).
    func vector(_ id: Int, elementSize: Int, _ what: String) throws(UpliftError) -> FlatVector? {
        guard let at = try field(id, size: 4) else { return nil }
        return try FlatVector(buffer, lengthAt: try buffer.indirect(at: at, what), elementSize: elementSize, what)
    }
}
