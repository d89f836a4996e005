package import Foundation

/// Locations of the tools the end-to-end tests drive.
package enum Paths {
    /// The built `uplift` binary: `UPLIFT_BINARY` if set, else next to the running test bundle
    /// (SwiftPM puts products and the test bundle in the same build directory), else
    /// `<package>/.build/debug/uplift`. Nil when none exists; build first with `swift build`.
    package static func upliftBinary() -> URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["UPLIFT_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        if let main = Bundle.main.executableURL {
            dir = main.deletingLastPathComponent()
        }
        // Inside an .xctest bundle (macOS) the executable sits a few levels below the build dir.
        var probe = dir
        for _ in 0..<4 {
            candidates.append(probe.appendingPathComponent("uplift"))
            probe = probe.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/uplift"))
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fm.isExecutableFile(atPath: url.path)
        }
    }

    /// A Python with pyarrow and duckdb: `UPLIFT_PYTHON`, else the virtual environment `make venv`
    /// creates in the package root (`.venv/bin/python`); nil when none exists (tests needing it skip,
    /// and `make test` always sets `UPLIFT_PYTHON`).
    package static func python() -> String? {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["UPLIFT_PYTHON"], !override.isEmpty {
            return fm.isExecutableFile(atPath: override) ? override : nil
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return fm.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// The package root, from this source file's location (Tests/TestSupport/Paths.swift).
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The built `uplift` binary, or nil (see `Paths.upliftBinary()`).
package func upliftBinaryPath() -> URL? { Paths.upliftBinary() }

/// A Python with pyarrow and duckdb, or nil (see `Paths.python()`).
package func pythonPath() -> String? { Paths.python() }
