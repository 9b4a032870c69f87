// swift-tools-version: 6.1
//
// HMN — the Harmonic Mesh Network.
//
// Layering (lower never imports higher):
//
//   CSodium, CSQLite            system-library shims (not API)
//   CHMNKernels                 SIMD distance kernels with runtime CPU dispatch (C, not API)
//   HMNPrimitives               codec, hashes, keys, fixed-point, the consensus↔application contract
//   HMNStorage                  the SQLite connection wrapper shared by the ledger and the mesh
//   HMNLedger   HMNCoherence    Layer 1 (immutable chain)  |  Layer 2 (pure coherence math)
//   HMNMesh                     the vector memory store and the memory mesh
//   HMNMilvus                   the same store kept in a Milvus server (REST v1 over URLSession)
//   HMNConsensus                λ-attuned Tendermint-style BFT, as an I/O-free state machine
//   HMNSimulator                deterministic, seeded, fault-injecting network simulator
//   HMNNode                     composes the layers into a full node
//   hmn, hmn-bench              executables
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "HMN",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HMNPrimitives", targets: ["HMNPrimitives"]),
        .library(name: "HMNLedger", targets: ["HMNLedger"]),
        .library(name: "HMNCoherence", targets: ["HMNCoherence"]),
        .library(name: "HMNMesh", targets: ["HMNMesh"]),
        .library(name: "HMNMilvus", targets: ["HMNMilvus"]),
        .library(name: "HMNConsensus", targets: ["HMNConsensus"]),
        .library(name: "HMNSimulator", targets: ["HMNSimulator"]),
        .library(name: "HMNTransport", targets: ["HMNTransport"]),
        .library(name: "HMNNode", targets: ["HMNNode"]),
        .library(name: "HMNNodeHTTP", targets: ["HMNNodeHTTP"]),
        .library(name: "HMNDevnet", targets: ["HMNDevnet"]),
        .library(name: "HMNWorkbench", targets: ["HMNWorkbench"]),
        .library(name: "HMNFuzzTargets", targets: ["HMNFuzzTargets"]),
        .executable(name: "hmn", targets: ["hmn"]),
        .executable(name: "hmn-bench", targets: ["hmn-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: System libraries (not API; used through `internal import`)
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // MARK: C kernels (not API; used through `internal import`)
        // Distance kernels per instruction set with runtime dispatch; per-function target attributes
        // instead of compiler flags, so no unsafeFlags and the default build carries AVX2/AVX-512.
        .target(name: "CHMNKernels"),

        // MARK: Shared primitives
        .target(
            name: "HMNPrimitives",
            dependencies: ["CSodium"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNStorage",
            dependencies: ["CSQLite", "HMNPrimitives"],
            swiftSettings: swiftSettings
        ),

        // MARK: Layers
        .target(
            name: "HMNLedger",
            dependencies: [
                "HMNPrimitives", "HMNStorage",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNCoherence",
            dependencies: ["HMNPrimitives"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNMesh",
            dependencies: [
                "CHMNKernels", "HMNPrimitives", "HMNStorage", "HMNCoherence",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNMilvus",
            dependencies: [
                "HMNPrimitives", "HMNMesh",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNConsensus",
            dependencies: [
                "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNSimulator",
            dependencies: [
                "HMNPrimitives", "HMNConsensus", "HMNCoherence", "HMNLedger", "HMNMesh",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNTransport",
            dependencies: [
                "HMNPrimitives", "CSodium",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNNode",
            dependencies: [
                "HMNPrimitives", "HMNStorage", "HMNLedger", "HMNCoherence", "HMNMesh", "HMNMilvus", "HMNConsensus",
                "HMNTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "HMNWorkbench",
            dependencies: [
                "HMNSimulator", "HMNCoherence", "HMNConsensus", "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Fuzzing (decoder harnesses shared by Fuzz/ and the regression test)
        .target(
            name: "HMNFuzzTargets",
            dependencies: [
                "HMNPrimitives", "HMNLedger", "HMNCoherence", "HMNMesh", "HMNConsensus", "HMNTransport",
                "HMNNode", "HMNNodeHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNNodeHTTP",
            dependencies: [
                "HMNPrimitives", "HMNLedger", "HMNMesh", "HMNNode",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HMNDevnet",
            dependencies: [
                "HMNPrimitives", "HMNLedger", "HMNMesh", "HMNNode", "HMNNodeHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "hmn",
            dependencies: [
                "HMNNode", "HMNNodeHTTP", "HMNDevnet", "HMNLedger", "HMNMesh", "HMNSimulator", "HMNTransport",
                "HMNWorkbench", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hmn-bench",
            dependencies: [
                "HMNPrimitives", "HMNLedger", "HMNCoherence", "HMNMesh", "HMNMilvus", "HMNConsensus", "HMNSimulator",
                "HMNTransport", "HMNDevnet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/hmn-bench",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests (mirror the sources)
        .testTarget(
            name: "HMNPrimitivesTests",
            dependencies: ["HMNPrimitives"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNStorageTests",
            dependencies: ["HMNStorage"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNTransportTests",
            dependencies: [
                "HMNTransport", "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNLedgerTests",
            dependencies: [
                "HMNLedger", "HMNPrimitives", "HMNStorage",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNCoherenceTests",
            dependencies: ["HMNCoherence", "HMNPrimitives"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNMeshTests",
            dependencies: [
                "HMNMesh", "HMNPrimitives", "HMNStorage", "HMNSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNMilvusTests",
            dependencies: [
                "HMNMilvus", "HMNMesh", "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNConsensusTests",
            dependencies: [
                "HMNConsensus", "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNFuzzTargetsTests",
            dependencies: ["HMNFuzzTargets", "HMNPrimitives"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNSimulatorTests",
            dependencies: ["HMNSimulator", "HMNConsensus", "HMNPrimitives"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNNodeTests",
            dependencies: [
                "HMNNode", "HMNStorage", "HMNLedger", "HMNCoherence", "HMNMesh", "HMNMilvus", "HMNConsensus",
                "HMNTransport", "HMNPrimitives", "HMNSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNDevnetTests",
            dependencies: [
                "HMNDevnet", "HMNNode", "HMNNodeHTTP", "HMNPrimitives", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNNodeHTTPTests",
            dependencies: [
                "HMNNodeHTTP", "HMNNode", "HMNLedger", "HMNMesh", "HMNPrimitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HMNWorkbenchTests",
            dependencies: ["HMNWorkbench", "HMNSimulator", "HMNCoherence", "HMNPrimitives"],
            swiftSettings: swiftSettings
        ),
    ]
)
