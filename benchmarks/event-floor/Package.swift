// swift-tools-version: 6.1
// The event floor (issue 25): how many events of each kind the engine meets on a scenario, and
// the least work each kind needs, measured on minimal kernels. `measure.sh` puts them together.
// A separate package so that the main build does not carry benchmark code.
import PackageDescription

let package = Package(
    name: "EventFloor",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "CollectSim", path: "../..")],
    targets: [
        .executableTarget(
            name: "event-floor",
            dependencies: [.product(name: "CollectSimKit", package: "CollectSim")],
            path: "Sources/event-floor"
        ),
    ]
)
