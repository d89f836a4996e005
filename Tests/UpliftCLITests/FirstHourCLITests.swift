import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a new user meets in the first hour of the command line: hints that can be copied as they are,
/// refusals that change nothing, and a server start that says what is wrong.
struct FirstHourCLITests {
    func uplift(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        let binary = try #require(upliftBinaryPath(), "build the uplift binary first (swift build)")
        return try runProcess(binary, arguments: arguments, stdin: stdin)
    }

    @Test func hintsRepeatTheDataDirectoryTheUserGave() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("my data").path
            #expect(try uplift(["project", "create", "demo", "--data", data]).exitCode == 0)
            let missing = try uplift(["experiment", "start", "nosuch", "--data", data, "--project", "demo"])
            #expect(missing.exitCode == 1)
            #expect(
                missing.stderrText.contains("`uplift experiment list --project demo --data '\(data)'`"),
                "\(missing.stderrText)")

            let definition = dir.appendingPathComponent("x.yaml")
            try Data(
                "key: x\nvariants:\n  - key: a\n  - key: b\nexposure:\n  event: seen\nmetrics:\n  - id: m\n    kind: proportion\n    event: buy\n"
                    .utf8
            ).write(to: definition)
            let created = try uplift([
                "experiment", "create", "--data=\(data)", "--project", "demo", "--definition", definition.path,
            ])
            #expect(created.exitCode == 0, "\(created.stderrText)")
            #expect(
                created.stdoutText.contains("`uplift experiment start x --project demo --data '\(data)'`"),
                "\(created.stdoutText)")

            // Without --data, hints stay as they were (the default directory is reached without it).
            let plain = try uplift(["experiment", "list", "--project", "nosuch-project"])
            #expect(!plain.stderrText.contains("--data"), "\(plain.stderrText)")
        }
    }

    @Test func anImportIntoALockedDataDirectoryCreatesNothing() throws {
        try withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            #expect(try uplift(["project", "create", "first", "--data", data.path]).exitCode == 0)
            // Hold the data directory's lock as a running server does.
            let fd = open(data.appendingPathComponent("LOCK").path, O_RDWR | O_CREAT, 0o600)
            try #require(fd >= 0)
            defer { close(fd) }
            try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)

            let line = #"{"type":"track","event":"e","userId":"u1","messageId":"m1"}"#
            let refused = try uplift(
                ["import", "--data", data.path, "--project", "second", "-"], stdin: Data(line.utf8))
            #expect(refused.exitCode == 1)
            #expect(!refused.stderrText.contains("created project"), "\(refused.stderrText)")

            let projects = try uplift(["project", "list", "--data", data.path, "--json"])
            #expect(projects.exitCode == 0, "\(projects.stderrText)")
            #expect(projects.stdoutText.contains("\"first\""))
            #expect(!projects.stdoutText.contains("\"second\""), "\(projects.stdoutText)")
        }
    }

    @Test func aPortInUseIsNamedWithItsLikelyCause() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        try withTemporaryDirectory { dir in
            let result = try uplift([
                "serve", "--data", dir.appendingPathComponent("data").path, "--port", "\(port)",
            ])
            #expect(result.exitCode == 1)
            #expect(
                result.stderrText.contains("error: cannot listen on 127.0.0.1:\(port): the address is already in use"),
                "\(result.stderrText)")
            #expect(!result.stderrText.contains("errno"), "\(result.stderrText)")
        }
    }

    @Test func theExperimentCommandsHelpNamesEverySubcommand() throws {
        let help = try uplift(["experiment", "--help"])
        #expect(help.exitCode == 0)
        let overview = (help.stdoutText.split(separator: "\n").first.map(String.init) ?? "").lowercased()
        for word in ["create", "list", "show", "start", "stop", "analyse", "plan"] {
            #expect(overview.contains(word), "\(overview)")
        }
    }
}
