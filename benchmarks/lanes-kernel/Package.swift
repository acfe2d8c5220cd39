// swift-tools-version:6.1
// The quiet-day loop alone, one account at a time against four accounts in SIMD lanes
// (issue 25, step 3): see measure.sh and benchmarks/README.md.
import PackageDescription

let package = Package(name: "lanes-kernel", targets: [.executableTarget(name: "lanes-kernel")])
