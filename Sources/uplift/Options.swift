import ArgumentParser
import Foundation
import UpliftModel
import UpliftStorage

/// `--data DIR`, shared by every command that touches a data directory.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Data directory.", discussion: "Defaults to $UPLIFT_DATA, else ./data.", valueName: "dir"))
    var data: String?

    var directory: String { data ?? ProcessInfo.processInfo.environment["UPLIFT_DATA"] ?? "./data" }

    func storeConfiguration() -> StoreConfiguration { StoreConfiguration(dataDirectory: directory) }

}

/// `--node NAME`, for commands that write segments.
struct NodeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "This node's name: in the names and manifest rows of the segments it writes, its metrics and logs.",
            discussion: "1 to 63 of a-z, 0-9 and -. Defaults to $UPLIFT_NODE, else the host name.", valueName: "name"))
    var node: String?

    /// The node's name, checked.
    func name() throws(UpliftError) -> String {
        let given = node ?? ProcessInfo.processInfo.environment["UPLIFT_NODE"].flatMap { $0.isEmpty ? nil : $0 }
        return try given.map { text throws(UpliftError) in try NodeName.validated(text) } ?? NodeName.default
    }

    func validate() throws {
        do { _ = try name() } catch { throw ValidationError(error.message) }
    }
}

/// Options of commands that write segments.
struct WriteOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Row order inside segments: \(EventSortOrder.allCases.map(\.rawValue).joined(separator: " or ")).",
            valueName: "columns"))
    var sort: String?

    @Option(
        name: .long,
        help: ArgumentHelp("zlib level of compacted segments, 1 (fastest) to 9 (smallest).", valueName: "level"))
    var compressionLevel: Int32?

    func configure(_ configuration: inout StoreConfiguration) throws {
        if let compressionLevel {
            guard (1...9).contains(compressionLevel) else {
                throw ValidationError("--compression-level must be 1 to 9")
            }
            configuration.compressionLevel = compressionLevel
        }
        if let sort {
            guard let order = EventSortOrder(rawValue: sort) else {
                throw ValidationError(
                    "--sort must be one of \(EventSortOrder.allCases.map(\.rawValue).joined(separator: ", ")), not '\(sort)'"
                )
            }
            configuration.sortOrder = order
        }
    }
}

/// `--json`, for machines.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document instead of a table.")
    var json = false
}

/// Parses `--project` values into slugs with a clear message.
func projectSlug(_ text: String) throws -> ProjectSlug {
    do { return try ProjectSlug(text) } catch { throw ValidationError("--project: \(error.message)") }
}
