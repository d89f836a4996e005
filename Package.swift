// swift-tools-version: 6.1
import PackageDescription

/// Strict settings shared by every target, in one place.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "uplift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "uplift", targets: ["uplift"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev), for GZIP pages and gzip input.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The event record and the Segment / PostHog wire dialects. Imports nothing of ours.
        .target(name: "UpliftModel", swiftSettings: strict),
        // A Parquet writer and reader (Thrift compact footer, PLAIN + RLE_DICTIONARY, GZIP). Knows nothing of events.
        .target(name: "UpliftParquet", dependencies: ["CZlib"], swiftSettings: strict),
        // The durable event store: write-ahead log, dedup, segments, compaction, snapshots.
        .target(
            name: "UpliftStorage",
            dependencies: ["UpliftModel", "UpliftParquet", "CZlib"],
            swiftSettings: strict
        ),
        // Deterministic synthetic workloads with known effects (demo, tests, benchmarks).
        .target(name: "UpliftWorkload", dependencies: ["UpliftModel"], swiftSettings: strict),
        // The command line: parses arguments and calls into the libraries, nothing more.
        .executableTarget(
            name: "uplift",
            dependencies: [
                "UpliftModel", "UpliftParquet", "UpliftStorage", "UpliftWorkload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // Micro-benchmarks for the scripts under loadtests/ (not shipped).
        .executableTarget(
            name: "uplift-bench",
            dependencies: ["UpliftModel", "UpliftParquet", "UpliftStorage", "UpliftWorkload"],
            swiftSettings: strict
        ),

        .target(
            name: "TestSupport",
            dependencies: ["UpliftModel", "UpliftWorkload"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "UpliftModelTests", dependencies: ["UpliftModel", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "UpliftParquetTests", dependencies: ["UpliftParquet", "TestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "UpliftStorageTests",
            dependencies: ["UpliftStorage", "UpliftParquet", "UpliftModel", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "UpliftWorkloadTests", dependencies: ["UpliftWorkload", "UpliftModel", "TestSupport"], swiftSettings: strict),
        // End to end through the built `uplift` binary.
        .testTarget(name: "UpliftCLITests", dependencies: ["TestSupport"], swiftSettings: strict),
    ]
)
