import ArgumentParser
import Foundation
import Synchronization
import UpliftModel

/// Runs a command body, turning our errors into one line on standard error and exit code 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as UpliftError {
        Console.error("error: \(error.message)")
        throw ExitCode.failure
    }
}

enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// One line on standard output, written at once (not held in a buffer when stdout is a pipe).
    static func line(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    private static let lastProgress = Mutex<UInt64>(0)

    /// A progress line on standard error: rewritten in place on a terminal (at most 5 times a
    /// second), a new line every 5 seconds otherwise (logs stay short).
    static func progress(_ line: String, force: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        let interval: UInt64 = stderrIsTerminal ? 200_000_000 : 5_000_000_000
        let due = lastProgress.withLock { last in
            guard force || now - last >= interval else { return false }
            last = now
            return true
        }
        guard due else { return }
        if stderrIsTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            error(line)
        }
    }

    static func endProgress() {
        if stderrIsTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Prints a JSON document with its keys in the given order.
    static func json(_ value: JSONValue) {
        print(value.compactText)
    }
}

/// A plain text table: first column left-aligned, the others right-aligned.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return
            ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }
}

/// `1234567` → `1,234,567`.
func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// Bytes as `12.3 MB`.
func humanBytes(_ n: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var v = Double(n)
    var u = 0
    while v >= 1000, u < units.count - 1 {
        v /= 1000
        u += 1
    }
    return u == 0 ? "\(n) B" : String(format: "%.1f", v) + " " + units[u]
}
