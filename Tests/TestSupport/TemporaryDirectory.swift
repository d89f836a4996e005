package import Foundation

/// Runs `body` with a fresh empty directory that is removed afterwards, even when `body` throws.
package func withTemporaryDirectory<T>(
    prefix: String = "uplift-test", _ body: (URL) throws -> T
) throws -> T {
    let url = try makeTemporaryDirectory(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Async variant of `withTemporaryDirectory`.
package func withTemporaryDirectory<T>(
    prefix: String = "uplift-test", _ body: (URL) async throws -> T
) async throws -> T {
    let url = try makeTemporaryDirectory(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

private func makeTemporaryDirectory(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
