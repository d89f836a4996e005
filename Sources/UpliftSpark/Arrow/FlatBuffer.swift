import UpliftModel

/// A FlatBuffer lying in `bytes[start..<end]` of untrusted input (an IPC message's metadata).
///
/// Only what Arrow's `Message` and `Schema` tables need: little-endian scalars, tables through their
/// vtables, strings, vectors of tables and of structs, unions. Every read is checked against
/// `start..<end` first, so damaged metadata is a `.corrupt` error naming where it is, never a trap.
/// Offsets are relative to the buffer, as the format defines them; nothing is copied.
struct FlatBuffer {
    let bytes: [UInt8]
    let start: Int
    let end: Int
    /// Names the buffer in error messages ("the metadata of message 2").
    let context: String

    init(_ bytes: [UInt8], start: Int, end: Int, context: String) {
        self.bytes = bytes
        self.start = max(0, start)
        self.end = min(max(end, self.start), bytes.count)
        self.context = context
    }

    /// The root table, which the buffer's first four bytes point to.
    func root() throws(UpliftError) -> FlatTable {
        let offset = try uint32(at: start, "the root offset")
        return try FlatTable(self, position: start + Int(offset))
    }

    func corrupt(_ problem: String) -> UpliftError {
        UpliftError(.corrupt, "Arrow stream: \(context) is damaged: \(problem)")
    }

    /// Throws unless `size` bytes from `position` lie inside the buffer.
    func check(_ position: Int, size: Int, _ what: @autoclosure () -> String) throws(UpliftError) {
        guard position >= start, size >= 0, position <= end, size <= end - position else {
            throw corrupt(
                "\(what()) (\(size) bytes at offset \(position - start)) lies outside its \(end - start) bytes")
        }
    }

    func uint8(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> UInt8 {
        try check(position, size: 1, what())
        return bytes[position]
    }

    func uint16(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> UInt16 {
        try load(UInt16.self, at: position, what())
    }

    func int32(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> Int32 {
        try load(Int32.self, at: position, what())
    }

    func uint32(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> UInt32 {
        try load(UInt32.self, at: position, what())
    }

    func int64(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> Int64 {
        try load(Int64.self, at: position, what())
    }

    /// The target of the unsigned offset stored at `position` (offsets only ever point forwards, so
    /// following them cannot loop).
    func indirect(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> Int {
        position + Int(try uint32(at: position, what()))
    }

    /// The UTF-8 string whose length prefix is at `position`.
    func string(at position: Int, _ what: @autoclosure () -> String) throws(UpliftError) -> String {
        let length = Int(try uint32(at: position, what()))
        try check(position + 4, size: length, what())
        let value = bytes.withUnsafeBufferPointer { buffer in
            String(
                validating: UnsafeBufferPointer(rebasing: buffer[(position + 4)..<(position + 4 + length)]),
                as: UTF8.self)
        }
        guard let value else { throw corrupt("\(what()) is not valid UTF-8") }
        return value
    }

    private func load<T: FixedWidthInteger>(
        _: T.Type, at position: Int, _ what: @autoclosure () -> String
    ) throws(UpliftError) -> T {
        try check(position, size: MemoryLayout<T>.size, what())
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }
}
