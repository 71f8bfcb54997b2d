// swift-tools-version:6.2
import PackageDescription
import class Foundation.ProcessInfo

/// Settings every Parley target shares: Swift 6 mode with strict
/// concurrency is the default of tools 6.2; these make dependencies and
/// existential types explicit, as Hummingbird does.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parley", targets: ["ParleyCLI"]),
        .library(name: "ParleyCore", targets: ["ParleyCore"]),
        .library(name: "ParleyStore", targets: ["ParleyStore"]),
        .library(name: "ParleyApp", targets: ["ParleyApp"]),
        .library(name: "ParleyCharts", targets: ["ParleyCharts"]),
        .library(name: "ParleyServer", targets: ["ParleyServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Events, validation and (later) projections as pure folds. Foundation only.
        .target(
            name: "ParleyCore",
            swiftSettings: strictSettings
        ),
        // The SQLite event log: GRDB on the system libsqlite3, SHA-256 from swift-crypto.
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings,
            plugins: ["EmbedSchema"]
        ),
        // Charts as SVG text: series in, an <svg> out. Knows nothing of Parley.
        .target(
            name: "ParleyCharts",
            swiftSettings: strictSettings
        ),
        // The application facade every front end calls: commands in, typed results out.
        .target(
            name: "ParleyApp",
            dependencies: [
                "ParleyCore", "ParleyStore", "ParleyCharts",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // `parley serve`: the facade over HTTP. Parses, authenticates, calls
        // ParleyApp and renders; decides nothing itself.
        .target(
            name: "ParleyServer",
            dependencies: [
                "ParleyCore",
                "ParleyApp",
                "ParleyCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings,
            plugins: ["EmbedSchema"]
        ),
        // The `parley` executable: parses, calls ParleyApp, formats.
        .executableTarget(
            name: "ParleyCLI",
            dependencies: [
                "ParleyCore",
                "ParleyApp",
                "ParleyServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // Seeded histories of a calm team and of troubled ones, with problems planted on
        // known days: what the signal detectors are judged on (tests and the bench).
        .target(
            name: "PlantedHistories",
            dependencies: ["ParleyCore"],
            path: "Benchmarks/PlantedHistories",
            swiftSettings: strictSettings
        ),
        // Build tool: turns Schema/*.sql into Swift byte arrays, so the binary
        // needs no resource bundle at run time.
        .executableTarget(name: "SchemaEmbedder"),
        .plugin(
            name: "EmbedSchema",
            capability: .buildTool(),
            dependencies: ["SchemaEmbedder"]
        ),
        .testTarget(
            name: "ParleyCoreTests",
            dependencies: ["ParleyCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyChartsTests",
            dependencies: ["ParleyCharts"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: [
                "ParleyCore",
                "ParleyStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyCLITests",
            dependencies: [
                "ParleyCLI",
                "ParleyCore",
                "ParleyApp",
                "PlantedHistories",
                "ParleyServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)

// The bench and its history generator (`parley-bench`) are not part of the
// package Parley ships: they are built only when asked, by scripts/bench and
// scripts/demo, which set PARLEY_BENCHMARKS (as Hummingbird gates its own).
if ProcessInfo.processInfo.environment["PARLEY_BENCHMARKS"] != nil {
    package.products.append(.executable(name: "parley-bench", targets: ["ParleyBench"]))
    package.targets.append(.executableTarget(
        name: "ParleyBench",
        dependencies: [
            "ParleyCore",
            "ParleyStore",
            "PlantedHistories",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            // The load client of `parley-bench load`.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Benchmarks/ParleyBench",
        swiftSettings: strictSettings
    ))
}
