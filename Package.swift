// swift-tools-version: 6.2
import PackageDescription

/// Strict settings shared by every target, in one place.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A warning of ours is a build failure (`make check`, `make test`); dependencies' warnings are not ours.
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "uplift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "uplift", targets: ["uplift"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The catalog: one SQLKit code path over SQLite (embedded) and PostgreSQL (shared by nodes).
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // The S3 client's HTTP transport (TLS, connection pooling, timeouts).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The HTTP server, its metrics and its start/stop.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Background loops tick on an injected clock: AsyncTimerSequence in production, a test clock in tests.
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        // Experiment definitions are YAML files that PR/FAQ documents reference.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Spark Connect's transport (gRPC over HTTP/2); its messages are encoded by hand (UpliftSpark/Connect).
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev), for GZIP pages and gzip input.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate from the system (Debian: libdeflate-dev): inflates GZIP pages about twice as fast
        // as zlib, which cold queries spend a quarter of their time in; zlib still writes them.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // The CPU's prefetch hint (one static inline C function), for hash-table probes.
        .systemLibrary(name: "CPrefetch"),
        // The event record and the Segment / PostHog wire dialects. Imports nothing of ours.
        .target(name: "UpliftModel", swiftSettings: strict),
        // A Parquet writer and reader (Thrift compact footer, PLAIN + RLE_DICTIONARY, GZIP). Knows nothing of events.
        .target(name: "UpliftParquet", dependencies: ["CZlib", "CDeflate"], swiftSettings: strict),
        // The durable event store: write-ahead log, dedup, segments, compaction, snapshots.
        .target(
            name: "UpliftStorage",
            dependencies: [
                "UpliftModel", "UpliftParquet", "UpliftObjectStore", "CZlib",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // Deterministic synthetic workloads with known effects (demo, tests, benchmarks).
        .target(name: "UpliftWorkload", dependencies: ["UpliftModel"], swiftSettings: strict),
        // Projects, API keys and persons, on SQLite or PostgreSQL. Never imports storage or the server.
        .target(
            name: "UpliftCatalog",
            dependencies: [
                "UpliftModel",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: strict
        ),
        // S3-compatible object storage: Uplift's own client (Signature Version 4, multipart uploads, ranged reads,
        // listing, retries). Knows nothing of events.
        .target(
            name: "UpliftObjectStore",
            dependencies: [
                "UpliftModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The aggregation engine: funnels, trends, adoption, retention, lifecycle, feedback over the event store.
        .target(
            name: "UpliftAnalysis",
            dependencies: ["UpliftModel", "UpliftStorage", "CPrefetch"],
            swiftSettings: strict
        ),
        // Questions compiled to SQL for other engines (Spark through Spark Connect; DuckDB, the independent check).
        .target(
            name: "UpliftSQL",
            dependencies: ["UpliftModel", "UpliftStorage", "UpliftAnalysis", "UpliftStats", "UpliftExperiments"],
            swiftSettings: strict
        ),
        // Apache Spark through Spark Connect: the gRPC client, its protobuf messages and an Arrow IPC stream reader,
        // all written here, and the SQLEngine that runs compiled questions on it. Only the executable imports it:
        // gRPC's own zlib module would otherwise shadow CZlib's declarations in the server.
        .target(
            name: "UpliftSpark",
            dependencies: [
                "UpliftModel", "UpliftSQL",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strict
        ),
        // Hypothesis tests over per-variant sufficient statistics, as GrowthBook's gbstats. Imports nothing.
        .target(name: "UpliftStats", swiftSettings: strict),
        // Experiments and feature flags: definitions, deterministic assignment, exposure and analysis.
        .target(
            name: "UpliftExperiments",
            dependencies: [
                "UpliftModel", "UpliftStorage", "UpliftAnalysis", "UpliftStats",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // PR/FAQ documents (Markdown with a YAML header of goals) and goal evaluation with forecasts.
        .target(
            name: "UpliftGoals",
            dependencies: [
                "UpliftModel", "UpliftStorage", "UpliftAnalysis", "UpliftExperiments", "UpliftStats", "UpliftReport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The HTTP server: Segment/PostHog ingestion, feedback, queries, experiments and flags, goals and reports,
        // health and metrics. The only target that imports Hummingbird.
        .target(
            name: "UpliftServer",
            dependencies: [
                "UpliftModel", "UpliftStorage", "UpliftCatalog", "UpliftAnalysis", "UpliftExperiments", "UpliftGoals",
                "UpliftReport", "UpliftSQL", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // The command line: parses arguments and calls into the libraries, nothing more.
        .executableTarget(
            name: "uplift",
            dependencies: [
                "UpliftModel", "UpliftParquet", "UpliftStorage", "UpliftWorkload", "UpliftCatalog", "UpliftAnalysis",
                "UpliftExperiments", "UpliftStats", "UpliftServer", "UpliftGoals", "UpliftObjectStore", "UpliftSQL",
                "UpliftSpark",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // Server-rendered inline SVG charts, data tables and the self-contained report page. Pure Swift.
        .target(
            name: "UpliftReport", dependencies: ["UpliftModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),

        // Micro-benchmarks for the scripts under loadtests/ (not shipped).
        .executableTarget(
            name: "uplift-bench",
            dependencies: [
                "UpliftModel", "UpliftParquet", "UpliftStorage", "UpliftWorkload", "UpliftAnalysis",
                "UpliftExperiments",
            ],
            swiftSettings: strict
        ),

        .target(
            name: "TestSupport",
            dependencies: ["UpliftModel", "UpliftWorkload", "UpliftAnalysis", "UpliftStorage", "UpliftParquet"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "UpliftModelTests", dependencies: ["UpliftModel", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "UpliftParquetTests", dependencies: ["UpliftParquet", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "UpliftStorageTests",
            dependencies: [
                "UpliftStorage", "UpliftParquet", "UpliftModel", "TestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        // SigV4 against AWS's published test suite and botocore; the client against an S3 test server
        // (UPLIFT_TEST_S3_ENDPOINT, started by Tests/s3.sh) and against a local server that fails on purpose.
        .testTarget(
            name: "UpliftObjectStoreTests",
            dependencies: [
                "UpliftObjectStore", "UpliftModel", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "UpliftSparkTests", dependencies: ["UpliftSpark", "UpliftSQL", "UpliftModel"], exclude: ["Fixtures"],
            swiftSettings: strict),
        // The compiled SQL's semantics are checked by running it on DuckDB (Tests/interop/test_sql_dialect.py).
        .testTarget(
            name: "UpliftSQLTests", dependencies: ["UpliftSQL", "UpliftAnalysis", "UpliftModel", "UpliftStorage"],
            swiftSettings: strict),
        .testTarget(
            name: "UpliftWorkloadTests", dependencies: ["UpliftWorkload", "UpliftModel", "TestSupport"],
            swiftSettings: strict),
        // The same suite on SQLite and (with UPLIFT_TEST_POSTGRES_URL) on PostgreSQL, plus the catalog CLI.
        .testTarget(
            name: "UpliftCatalogTests",
            dependencies: [
                "UpliftCatalog", "UpliftModel", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        // The engine against the naive reference engine in TestSupport, on generated cases.
        .testTarget(
            name: "UpliftAnalysisTests",
            dependencies: ["UpliftAnalysis", "UpliftStorage", "UpliftModel", "TestSupport"],
            swiftSettings: strict
        ),
        // Every statistic against scipy-computed and GrowthBook's own values, plus simulations of error rates.
        .testTarget(
            name: "UpliftStatsTests", dependencies: ["UpliftStats"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "UpliftExperimentsTests",
            dependencies: [
                "UpliftExperiments", "UpliftAnalysis", "UpliftStats", "UpliftStorage", "UpliftModel", "TestSupport",
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "UpliftGoalsTests",
            dependencies: [
                "UpliftGoals", "UpliftAnalysis", "UpliftExperiments", "UpliftStorage", "UpliftModel", "UpliftWorkload",
                "TestSupport",
            ],
            swiftSettings: strict
        ),
        // Over HTTP, through the same application builder `uplift serve` uses.
        .testTarget(
            name: "UpliftServerTests",
            dependencies: [
                "UpliftServer", "UpliftStorage", "UpliftCatalog", "UpliftModel", "UpliftAnalysis", "TestSupport",
                "UpliftObjectStore", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Escaping against a payload corpus, axes, every chart's normal and degenerate inputs, the page.
        .testTarget(
            name: "UpliftReportTests", dependencies: ["UpliftReport", "UpliftModel", "TestSupport"],
            swiftSettings: strict),
        // End to end through the built `uplift` binary.
        .testTarget(name: "UpliftCLITests", dependencies: ["TestSupport"], swiftSettings: strict),
    ]
)
