// swift-tools-version: 6.1
// The CSV readers among the Swift packages this machine carries, reading a portfolio file as
// CollectSim's own reader must (every field, the numbers as numbers), so that
// `measure.sh` can time them against `collectsim validate` on the same book. A separate
// package: the main build does not depend on either library.
import PackageDescription

let package = Package(
    name: "PortfolioCSVPeers",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "csv-peers",
            dependencies: [.product(name: "CSV", package: "CSV.swift"), .product(name: "SwiftCSV", package: "SwiftCSV")],
            path: "Sources/csv-peers",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ]
)
