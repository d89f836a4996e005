import ArgumentParser
import Foundation
import UpliftModel
import UpliftObjectStore
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

/// `--storage s3://BUCKET/PREFIX`, for commands that read or write segments.
struct StorageOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where segments are kept: the data directory (default), or s3://BUCKET/PREFIX shared by every node.",
            discussion: """
                Defaults to $UPLIFT_STORAGE. With a bucket the data directory holds this node's write-ahead log and \
                a cache of segments. Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
                """, valueName: "url"))
    var storage: String?

    @Option(
        name: .customLong("s3-endpoint"),
        help: ArgumentHelp(
            "The object store's address, e.g. http://127.0.0.1:9000 (MinIO, Ceph, R2): path-style requests.",
            discussion: "Defaults to $UPLIFT_S3_ENDPOINT, else $AWS_ENDPOINT_URL_S3, else AWS (virtual-hosted style).",
            valueName: "url"))
    var s3Endpoint: String?

    @Option(
        name: .customLong("s3-region"),
        help: ArgumentHelp(
            "The bucket's region.", discussion: "Defaults to $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1.",
            valueName: "name"))
    var s3Region: String?

    @Option(
        name: .customLong("cache-dir"),
        help: ArgumentHelp(
            "With --storage: where the local copies of segments are kept (default: the data directory).",
            discussion: "Defaults to $UPLIFT_CACHE_DIR. A fast local disk; its files can all be lost.",
            valueName: "dir"))
    var cacheDir: String?

    private static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The bucket, or nil when the data directory itself keeps the segments. `cacheBytes`: the most the local
    /// copies of its segments may take between queries (nil: no limit).
    func shared(cacheBytes: Int64? = nil) throws(UpliftError) -> ObjectSegmentStorage? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = storage ?? Self.value("UPLIFT_STORAGE") else { return nil }
        let location = try S3Location(
            url: url, endpoint: s3Endpoint ?? Self.value("UPLIFT_S3_ENDPOINT") ?? Self.value("AWS_ENDPOINT_URL_S3"),
            region: s3Region, environment: environment)
        let credentials = try AWSCredentials.from(environment: environment)
        return ObjectSegmentStorage(
            client: S3Client(location: location, credentials: credentials), cacheBytes: cacheBytes)
    }

    /// Whether segments are kept in a bucket (`--storage` or `$UPLIFT_STORAGE`).
    var isShared: Bool { storage ?? Self.value("UPLIFT_STORAGE") != nil }

    /// The directory the local copies of a bucket's segments go in, when not the data directory.
    var cacheDirectory: String? { isShared ? cacheDir ?? Self.value("UPLIFT_CACHE_DIR") : nil }

    /// Where the data directory's log and the segments (or their local copies) are.
    func layout(dataDirectory: String) -> SegmentLayout {
        SegmentLayout(root: dataDirectory, segments: cacheDirectory)
    }

    /// Sets where a store keeps the local copies of a bucket's segments.
    func configure(_ configuration: inout StoreConfiguration) {
        configuration.cacheDirectory = cacheDirectory
    }

    func validate() throws {
        do { _ = try shared() } catch { throw ValidationError(error.message) }
        if cacheDir != nil && !isShared {
            throw ValidationError(
                "--cache-dir is for segments kept in a bucket (--storage s3://BUCKET/PREFIX); without one the data directory keeps them"
            )
        }
    }
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
