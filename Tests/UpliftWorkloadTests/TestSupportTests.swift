import Foundation
import TestSupport
import Testing
import UpliftWorkload

/// The shared helpers other test targets rely on.
@Suite struct TestSupportTests {
    @Test func temporaryDirectoryIsRemovedAfterwardsEvenOnError() throws {
        var seen: URL?
        try withTemporaryDirectory { url in
            seen = url
            #expect(FileManager.default.fileExists(atPath: url.path))
            try Data("x".utf8).write(to: url.appendingPathComponent("file"))
        }
        let first = try #require(seen)
        #expect(!FileManager.default.fileExists(atPath: first.path))

        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try withTemporaryDirectory { url in
                seen = url
                throw Boom()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: try #require(seen).path))
    }

    @Test func runProcessCapturesOutputAndExitCode() throws {
        let shell = URL(fileURLWithPath: "/bin/sh")
        let result = try runProcess(shell, arguments: ["-c", "cat; echo oops >&2; exit 3"], stdin: Data("hello".utf8))
        #expect(result.exitCode == 3)
        #expect(result.stdoutText == "hello")
        #expect(result.stderrText == "oops\n")
        // Large output must not deadlock.
        let big = try runProcess(shell, arguments: ["-c", "head -c 3000000 /dev/zero"])
        #expect(big.exitCode == 0 && big.stdout.count == 3_000_000)
    }

    @Test func pathsPointAtExistingFilesOrNil() {
        if let python = pythonPath() { #expect(FileManager.default.isExecutableFile(atPath: python)) }
        if let binary = upliftBinaryPath() {
            #expect(binary.lastPathComponent == "uplift")
            #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        }
        #expect(FileManager.default.fileExists(atPath: Paths.packageRoot.appendingPathComponent("Package.swift").path))
        // When the binary was built next to the test bundle, it must be found.
        if let sibling = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("uplift"),
            FileManager.default.isExecutableFile(atPath: sibling.path)
        {
            #expect(upliftBinaryPath() != nil)
        }
        if FileManager.default.isExecutableFile(
            atPath: Paths.packageRoot.appendingPathComponent(".venv/bin/python").path)
        {
            #expect(pythonPath() != nil)
        }
    }

    /// DuckDB reads the generated NDJSON unchanged and agrees on counts (skipped without Python).
    @Test func duckDBReadsTheGeneratedFile() throws {
        guard let python = pythonPath() else { return }
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("events.ndjson")
            let bytes = try Workloads.write(to: file, events: 5_000, users: 150, days: 5, seed: 3)
            let lines = try Workloads.parsed(bytes)
            let script = """
                import duckdb, sys
                rel = duckdb.sql("select count(*), count(distinct coalesce(messageId, uuid)) from read_json_auto('\(file.path)', format='newline_delimited')")
                print(*rel.fetchall()[0])
                """
            let result = try runProcess(URL(fileURLWithPath: python), arguments: ["-c", script])
            #expect(result.exitCode == 0, "\(result.stderrText)")
            #expect(
                result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "\(lines.count) \(Set(lines.map(\.id)).count)")
        }
    }

    @Test func generatorWritesToAFileDescriptor() throws {
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("events.ndjson")
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            let handle = try FileHandle(forWritingTo: url)
            let config = GeneratorConfig(events: 3_000, users: 50, days: 3, seed: 9)
            var generator = try EventGenerator(config)
            let lines = try generator.write(toFileDescriptor: handle.fileDescriptor, chunkBytes: 10_000)
            try handle.close()
            #expect(lines == 3_000)
            #expect(Array(try Data(contentsOf: url)) == (try EventGenerator.generateAll(config)))
            #expect(
                Workloads.ndjson(events: 3_000, users: 50, days: 3, seed: 9) == (try EventGenerator.generateAll(config))
            )
        }
    }

    @Test func writingToAClosedDescriptorIsAnIOError() throws {
        var generator = try EventGenerator(GeneratorConfig(events: 10))
        #expect(throws: (any Error).self) { try generator.write(toFileDescriptor: -1) }
    }

    @Test func fixturesParseWithTheReferenceReader() throws {
        let lines = try Workloads.parsed(Workloads.ndjson(events: 500))
        #expect(lines.count == 500)
        #expect(GeneratedLine.parseMillis("2026-01-01T00:00:00.001Z") == 1_767_225_600_001)
        #expect(GeneratedLine.parseMillis("2026-01-01T00:00:00Z") == nil)
        #expect(throws: WorkloadFixtureError.self) { try Workloads.parsed(Array("{\"a\":1}\n".utf8)) }
    }
}
