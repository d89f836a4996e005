import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the real binary creates in a data directory (segments, log, lock, catalog with its SQLite
/// companions, the catalog secret) is readable by the owner only, or by the group with
/// `UPLIFT_GROUP_READABLE=1`; never by other users.
struct FileModeTests {
    func uplift(_ arguments: [String], stdin: Data? = nil, environment: [String: String]) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        var env = ProcessInfo.processInfo.environment
        env["UPLIFT_CATALOG"] = nil
        env["UPLIFT_CATALOG_SECRET"] = nil
        env["UPLIFT_GROUP_READABLE"] = nil
        env.merge(environment) { $1 }
        return try runProcess(binary, arguments: arguments, stdin: stdin, environment: env)
    }

    /// Every path under `root` (itself included) with its permission bits.
    func modes(_ root: String) -> [String: UInt32] {
        var out: [String: UInt32] = [:]
        var st = stat()
        if stat(root, &st) == 0 { out["."] = UInt32(st.st_mode) & 0o777 }
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let name = enumerator?.nextObject() as? String {
            if lstat(root + "/" + name, &st) == 0 { out[name] = UInt32(st.st_mode) & 0o777 }
        }
        return out
    }

    @Test(arguments: [false, true])
    func everythingInTheDataDirectoryIsPrivate(groupReadable: Bool) throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data").path
            let environment = groupReadable ? ["UPLIFT_GROUP_READABLE": "1"] : [:]
            let lines = (0..<50).map {
                #"{"type":"track","event":"paid","userId":"u\#($0 % 7)","messageId":"m\#($0)","timestamp":"2026-03-0\#($0 % 3 + 1)T10:00:00Z"}"#
            }
            let imported = try uplift(
                ["import", "--data", data, "--project", "modes", "-"], stdin: Data(lines.joined(separator: "\n").utf8),
                environment: environment)
            #expect(imported.exitCode == 0, "\(imported.stderrText)")
            let created = try uplift(["project", "create", "other", "--data", data], environment: environment)
            #expect(created.exitCode == 0, "\(created.stderrText)")
            let compacted = try uplift(["compact", "--data", data, "--project", "modes"], environment: environment)
            #expect(compacted.exitCode == 0, "\(compacted.stderrText)")

            let found = modes(data)
            // The whole layout is there: segments, log, lock, catalog, secret.
            #expect(found.keys.contains { $0.hasSuffix(".parquet") })
            #expect(found.keys.contains { $0.hasPrefix("wal/") })
            #expect(found.keys.contains("LOCK"))
            #expect(found.keys.contains { $0.hasPrefix("catalog.sqlite") })
            #expect(found.keys.contains("catalog.secret"))
            for (path, mode) in found {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: data + "/" + path, isDirectory: &isDirectory)
                let allowed: UInt32 =
                    switch (isDirectory.boolValue, groupReadable) {
                    case (true, false): 0o700
                    case (true, true): 0o750
                    case (false, false): 0o600
                    case (false, true): 0o640
                    }
                #expect(mode & ~allowed == 0, "\(path) has mode \(String(mode, radix: 8))")
                #expect(mode & 0o007 == 0, "\(path) is open to other users")
            }
            // The group option really gives the group read access (not just nothing at all).
            if groupReadable {
                #expect(found["."] == 0o750)
                #expect(found.filter { $0.key.hasSuffix(".parquet") }.values.allSatisfy { $0 == 0o640 })
            } else {
                #expect(found["."] == 0o700)
            }
        }
    }
}
