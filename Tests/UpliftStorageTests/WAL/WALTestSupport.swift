import Foundation
import Testing
import UpliftStorage

/// Scratch directories and byte surgery on log files for the WAL tests.
enum WALFixture {
    /// Runs `body` with a fresh empty directory, removed afterwards.
    static func withDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
        let path = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    static func makeDirectory() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("uplift-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base.path
    }

    /// Distinct, recognisable payloads of varied sizes (including empty).
    static func payloads(_ count: Int, from start: Int = 0, size: Int? = nil) -> [[UInt8]] {
        (start..<(start + count)).map { i in
            let n = size ?? (i * 37) % 500
            return (0..<n).map { UInt8(truncatingIfNeeded: i &* 31 &+ $0) }
        }
    }

    static func logFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { WALFormat.sequence(fileName: $0) != nil }
            .sorted()
            .map { directory + "/" + $0 }
    }

    static func size(_ path: String) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func truncate(_ path: String, to size: UInt64) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
    }

    static func flipBit(_ path: String, at offset: Int, bit: Int = 3) throws {
        var data = try bytes(path)
        data[offset] ^= UInt8(1 << bit)
        try write(data, to: path)
    }

    /// Opens the log, returning it with every recovered payload.
    static func open(
        _ directory: String, options: WALOptions = WALOptions()
    ) throws
        -> (log: WriteAheadLog, recovered: [[UInt8]], recovery: WALRecoveryReport)
    {
        try WriteAheadLog.open(directory: directory, options: options)
    }

    /// The byte offset of record `index` in a file holding `payloads` from its start.
    static func recordOffset(_ index: Int, in payloads: [[UInt8]]) -> Int {
        WALFormat.headerSize + payloads.prefix(index).reduce(0) { $0 + WALFormat.recordHeaderSize + $1.count }
    }
}
