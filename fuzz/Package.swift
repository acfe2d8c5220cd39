// swift-tools-version: 6.1
// The coverage-guided fuzz targets (libFuzzer): the scenario loader and validator
// (scenario-fuzz), the portfolio and history readers (input-fuzz), shard folders as
// `collectsim merge` reads them (shard-fuzz), and the command line's overrides (override-fuzz).
// Build and run it with fuzz/run.sh, not with a plain `swift build`.
import PackageDescription

let package = Package(
    name: "CollectSimFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "CollectSim", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "scenario-fuzz",
            dependencies: ["FuzzDriver", .product(name: "CollectSimKit", package: "CollectSim")]
        ),
        .executableTarget(
            name: "input-fuzz",
            dependencies: ["FuzzDriver", .product(name: "CollectSimKit", package: "CollectSim")]
        ),
        .executableTarget(
            name: "shard-fuzz",
            dependencies: ["FuzzDriver", .product(name: "CollectSimKit", package: "CollectSim")]
        ),
        .executableTarget(
            name: "override-fuzz",
            dependencies: ["FuzzDriver", .product(name: "CollectSimKit", package: "CollectSim")]
        ),
    ]
)
