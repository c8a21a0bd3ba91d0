// swift-tools-version:6.2
import PackageDescription

/// The settings every target of the package builds with: existentials spelt `any`, members visible only
/// through a module the file imports itself, and every warning an error (so a warning fails CI instead of
/// piling up).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        .target(name: "VigilCore"),
        .target(
            name: "VigilIntake",
            dependencies: ["VigilCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VigilSQLite",
            dependencies: [
                "VigilCore", "VigilStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteConfig",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VigilPostgres",
            dependencies: [
                "VigilCore", "VigilStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "VigilImport", dependencies: ["VigilCore", "VigilIntake", "VigilStore", "CMalloc"]),
        .target(name: "VigilActions", dependencies: ["VigilCore", "VigilStore"]),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore", "VigilIntake", "VigilStore", "VigilImport", "VigilActions",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Templates")]
        ),
        .systemLibrary(
            name: "CSQLiteConfig",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "CMalloc"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .target(
            name: "VigilIntel",
            dependencies: [
                "VigilCore", "VigilStore", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VigilIntelStub",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilIntake", "VigilStore", "VigilSQLite", "VigilPostgres", "VigilImport", "VigilActions", "VigilServer",
                "VigilIntel", "VigilIntelStub", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "VigilFuzzTargets", dependencies: ["VigilCore", "VigilIntake", "VigilIntel"]),
        .target(
            name: "VigilTesting",
            dependencies: [
                "VigilCore", "VigilStore", "VigilSQLite", "VigilPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore", "VigilTesting"]),
        .testTarget(name: "VigilIntakeTests", dependencies: ["VigilIntake", "VigilCore", "VigilFuzzTargets"]),
        .testTarget(name: "VigilActionsTests", dependencies: ["VigilActions", "VigilStore", "VigilSQLite", "VigilCore", "VigilTesting"]),
        .testTarget(
            name: "VigilImportTests", dependencies: ["VigilImport", "VigilIntake", "VigilStore", "VigilSQLite", "VigilCore", "VigilTesting"]),
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore", "VigilSQLite", "VigilPostgres", "VigilCore", "VigilTesting"]),
        .testTarget(
            name: "VigilSQLiteTests",
            dependencies: ["VigilSQLite", "VigilStore", "VigilCore", "VigilTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "VigilIntelTests",
            dependencies: [
                "VigilIntel", "VigilIntelStub", "VigilStore", "VigilSQLite", "VigilIntake", "VigilCore", "VigilTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer", "VigilStore", "VigilSQLite", "VigilCore", "VigilIntel", "VigilIntelStub", "VigilImport", "VigilIntake",
                "VigilTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "VigilIntegrationTests",
            dependencies: [
                "vigil", "VigilIntelStub", "VigilStore", "VigilSQLite", "VigilPostgres", "VigilCore", "VigilServer", "VigilIntel",
                "VigilIntake", "VigilTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strict
}

// The libFuzzer harness, declared only for a fuzzing build (it has no `main` of its own; libFuzzer's is
// linked in): `VIGIL_FUZZ=1 swift build --build-path .build-fuzz --product vigil-fuzz --sanitize fuzzer
// --sanitize address -Xswiftc -sanitize=fuzzer,address`, as Scripts/campaigns/fuzz runs it.
if Context.environment["VIGIL_FUZZ"] != nil {
    package.products.append(.executable(name: "vigil-fuzz", targets: ["VigilFuzz"]))
    package.targets.append(
        .executableTarget(
            name: "VigilFuzz", dependencies: ["VigilFuzzTargets"], path: "Fuzz/VigilFuzz",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]))
}
