// swift-tools-version: 6.1
// The coverage-guided fuzz target for the scenario loader and validator (libFuzzer).
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
    ]
)
