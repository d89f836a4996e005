import ArgumentParser
import Foundation
import Synchronization
import UpliftModel

/// Runs a command body, turning our errors into one line on standard error and exit code 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as UpliftError {
        Console.error("error: \(Hint.complete(error.message))")
        throw ExitCode.failure
    }
}

/// Messages suggest commands (`` `uplift key create --project demo` ``). A user who chose the data
/// directory with `--data` copies the suggestion and must reach the same directory, so every
/// suggested `uplift …` command gets that `--data` (and `--catalog`, unless it holds a password).
enum Hint {
    /// ` --data DIR --catalog URL` as this process was given them ("" when neither was).
    static let arguments: String = arguments(from: Array(CommandLine.arguments.dropFirst()))

    static func arguments(from given: [String]) -> String {
        var out = ""
        var index = given.startIndex
        while index < given.endIndex {
            let word = given[index]
            index += 1
            for name in ["--data", "--catalog"] {
                var value: String?
                if word == name, index < given.endIndex {
                    value = given[index]
                    index += 1
                } else if word.hasPrefix(name + "=") {
                    value = String(word.dropFirst(name.count + 1))
                }
                guard let value else { continue }
                // A URL with a password (postgres://user:secret@…) is not repeated into messages.
                if name == "--catalog", value.contains("@") { continue }
                out += " \(name) \(shellQuoted(value))"
            }
        }
        return out
    }

    /// `text` with `arguments` added to every backquoted `uplift …` command lacking them.
    static func complete(_ text: String, arguments: String = Hint.arguments) -> String {
        guard !arguments.isEmpty else { return text }
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        return parts.enumerated().map { i, part in
            let isCode = i % 2 == 1 && i < parts.count - 1
            guard isCode, part.hasPrefix("uplift "), !part.contains("--data") else { return String(part) }
            return part + arguments
        }.joined(separator: "`")
    }

    /// A word as a POSIX shell reads it back: bare when it is plain, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "/._-:+=,@".unicodeScalars.contains($0)
            }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

enum Console {
    /// One line on standard error, after what `print` has buffered for standard output (so that a
    /// warning printed after a table comes after it, also when both go to one pipe).
    static func error(_ line: String) {
        fflush(nil)
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
