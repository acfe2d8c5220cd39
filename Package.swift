// swift-tools-version:6.1
import PackageDescription

// CollectSim: a Monte Carlo workbench for debt-collection strategies.
// Targets follow the one-way data flow of docs/architecture.md:
// CGSL → Stochastics → CollectionsModel → Scenario → Engine → Analysis → Experiments → Reports → collectsim,
// with Storage (files a kill cannot leave half-written) beside them for every module that writes.
//
// Compile-time flag: COLLECTSIM_INVARIANTS checks the model's invariants (AccountInvariants) after
// every settlement of the daily loop: off in release builds, on in the test suite's build
// (scripts/test.sh; by hand: `swift build -c release -Xswiftc -DCOLLECTSIM_INVARIANTS`).
// COLLECTSIM_EVENTS counts the engine's events by kind (EngineEvent), for the event floor in
// benchmarks/event-floor: off in release builds, on in the test suite's build.
let package = Package(
    name: "CollectSim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "collectsim", targets: ["collectsim"]),
        .library(name: "CollectSimKit", targets: ["CollectSimKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // `swift package generate-documentation --target CollectSimKit` (docs/architecture.md).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "Stochastics", dependencies: ["CGSL"]),
        .target(name: "CollectionsModel", dependencies: ["Stochastics"]),
        .target(
            name: "Scenario",
            dependencies: ["CollectionsModel", "Stochastics", "CLibYAML", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")],
            resources: [
                .embedInCode("Resources/strategies.yaml"),
                .embedInCode("Resources/default-scenario.yaml"),
                .embedInCode("Resources/defaults.yaml"),
            ]
        ),
        .target(name: "Storage"),
        .target(name: "Engine", dependencies: ["Scenario", "CollectionsModel", "Stochastics"]),
        .target(name: "Analysis", dependencies: ["Engine", "Scenario", "CollectionsModel", "Stochastics"]),
        // Runs and experiments that stop and resume: the drivers, their checkpoints and stored
        // evaluations. They return outcomes; Reports writes them.
        .target(name: "Experiments", dependencies: ["Analysis", "Engine", "Scenario", "CollectionsModel", "Stochastics", "Storage"]),
        .target(name: "Reports", dependencies: ["Experiments", "Analysis", "Engine", "Scenario", "CollectionsModel", "Stochastics", "Storage"]),
        // Cluster runs: shards of a run or a design experiment, their merge, Slurm job scripts.
        .target(
            name: "Cluster",
            dependencies: ["Reports", "Experiments", "Analysis", "Engine", "Scenario", "CollectionsModel", "Storage", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The library's one import: every module a Swift program runs scenarios with, and the
        // documentation catalog (CollectSimKit.docc).
        .target(name: "CollectSimKit", dependencies: ["Reports", "Experiments", "Analysis", "Engine", "Cluster", "Scenario", "CollectionsModel", "Stochastics", "Storage"]),
        .target(name: "Registry", dependencies: ["Reports", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "collectsim",
            dependencies: ["Cluster", "Registry", "Reports", "Experiments", "Analysis", "Engine", "Scenario", "CollectionsModel", "Storage", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The floor for the engine's design (benchmarks/compare): only the draws, as many per
        // borrower-day as the engine makes. Built here so it shares the engine's generator and build.
        .target(name: "TestSupport", dependencies: ["Analysis", "Engine", "Scenario", "Stochastics"], path: "Tests/TestSupport"),
        .testTarget(name: "StochasticsTests", dependencies: ["Stochastics"]),
        .testTarget(name: "CollectionsModelTests", dependencies: ["CollectionsModel", "Scenario", "Engine", "Analysis", "Stochastics", "TestSupport"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "CollectionsModel", "Analysis", "TestSupport", .product(name: "Yams", package: "Yams")],
                    exclude: ["BadScenarios"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Scenario", "CollectionsModel", "Analysis", "Experiments", "Reports", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["collectsim", "TestSupport", "Registry", "Reports", "Experiments", "Storage", "Analysis", "Engine", "Scenario", "CollectionsModel"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Engine", "Scenario", "CollectionsModel", "Stochastics", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Storage", "Analysis", "Engine", "Scenario", "Stochastics", "TestSupport"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Reports"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Experiments", "Storage", "Analysis", "Engine", "Scenario", "Stochastics", "CollectionsModel", "CollectSimKit", "TestSupport"]),
        .testTarget(name: "SeedSystemTests", dependencies: ["Analysis", "Engine", "Scenario", "Stochastics"]),
    ],
    swiftLanguageModes: [.v6]
)
