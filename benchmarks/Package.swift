// swift-tools-version: 6.1
// ordo-one `benchmark` suites for CollectSim: whole-engine throughput and peak memory, the
// allocations inside the daily loop (target: zero), and what a run and an experiment pay besides
// the engine. A separate package so the main build and test suite do not pull in the benchmark
// framework.
// Run: cd benchmarks && swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "CollectSimBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "CollectSim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CollectSimKit", package: "CollectSim"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
