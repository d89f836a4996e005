package import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished child process left behind.
package struct ProcessResult: Sendable {
    package var exitCode: Int32
    package var stdout: Data
    package var stderr: Data

    package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    package var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `executable` with `arguments` to completion and captures its output.
///
/// Output goes through temporary files rather than pipes so that a chatty child can never
/// deadlock on a full pipe buffer while we wait for it.
package func runProcess(
    _ executable: URL,
    arguments: [String] = [],
    stdin: Data? = nil,
    environment: [String: String]? = nil,
    currentDirectory: URL? = nil
) throws -> ProcessResult {
    try withTemporaryDirectory(prefix: "uplift-proc") { dir in
        let outURL = dir.appendingPathComponent("stdout")
        let errURL = dir.appendingPathComponent("stderr")
        let inURL = dir.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: stdin ?? Data())
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }

        // posix_spawn and waitpid rather than Foundation's Process: its waitUntilExit can miss the
        // child's exit on Linux when many tests spawn at once, and then waits forever (seen in CI).
        var environmentPairs = ProcessInfo.processInfo.environment
        if let environment { environmentPairs.merge(environment) { $1 } }
        let status = try spawnAndWait(
            executable.path, arguments: arguments, environment: environmentPairs.map { "\($0.key)=\($0.value)" },
            currentDirectory: currentDirectory?.path,
            stdin: input.fileDescriptor, stdout: out.fileDescriptor, stderr: err.fileDescriptor)
        return ProcessResult(
            exitCode: status,
            stdout: try Data(contentsOf: outURL),
            stderr: try Data(contentsOf: errURL)
        )
    }
}

/// Runs a program with the given descriptors as its standard streams and waits for it: its exit
/// status, or 128 + the signal that ended it.
private func spawnAndWait(
    _ path: String, arguments: [String], environment: [String], currentDirectory: String?,
    stdin: Int32, stdout: Int32, stderr: Int32
) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    // A working directory goes through sh (posix_spawn's addchdir is not in the imported headers).
    let command =
        currentDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, path] + arguments } ?? [path]
        + arguments
    let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer {
        for p in argv { free(p) }
        for p in envp { free(p) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
    guard spawned == 0 else {
        throw NSError(
            domain: NSPOSIXErrorDomain, code: Int(spawned),
            userInfo: [NSLocalizedDescriptionKey: "cannot start \(path)"])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else {
            throw NSError(
                domain: NSPOSIXErrorDomain, code: Int(errno),
                userInfo: [NSLocalizedDescriptionKey: "cannot wait for \(path)"])
        }
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}
