import CollectSimKit
import Foundation
import TestSupport
import XCTest

/// The CollectSimKit documentation catalog: its article's example runs as written, and DocC
/// builds the catalog without a warning — in about a second, from the module's symbol graph,
/// instead of the minutes `swift package generate-documentation` spends building the package.
final class LibraryDocumentationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = root.appendingPathComponent("Sources/CollectSimKit/CollectSimKit.docc")

    /// The article's example, statement for statement (the calls are checked against the page).
    func testTheArticlesExampleRunsAndReadsWhatItSays() throws {
        let article = try String(contentsOf: Self.catalog.appendingPathComponent("RunningAScenario.md"), encoding: .utf8)
        for call in ["import CollectSimKit", "let scenario = try ScenarioLoader.parse(yaml: \"\"\"", "file: \"from-swift.yaml\")",
                     "let outcome = try PrecisionRun.run(scenario, threads: nil)", "let analysis = outcome.analysis",
                     "analysis.metricEstimate(\"recovery_rate\", strategy: \"gentle\")", "recovery.interval.mean", "recovery.halfWidth",
                     "analysis.comparison(\"complaints_per_1000\", strategy: \"gentle\")", "c.difference.mean", "c.pValue",
                     "try RunWriter.write(analysis, to: folder,", "identity: RunIdentity(version: RunWriter.version, commandLine: \"my-program\", threads: 2))"] {
            XCTAssertTrue(article.contains(call), "the article no longer shows \(call)")
        }
        let scenario = try ScenarioLoader.parse(yaml: """
            name: from-swift
            seed: 7
            replications: 4
            horizon_days: 180
            population: {size: 20000}
            strategies: [gentle, graded]
            baseline: graded
            """, file: "from-swift.yaml")
        XCTAssertTrue(article.contains("population: {size: 20000}") && article.contains("baseline: graded"))
        let outcome = try PrecisionRun.run(scenario, threads: nil)
        let analysis = outcome.analysis
        let recovery = try XCTUnwrap(analysis.metricEstimate("recovery_rate", strategy: "gentle"))
        XCTAssertEqual(recovery.interval.n, 4)
        XCTAssertTrue(recovery.interval.mean > 0 && recovery.interval.mean < 1 && recovery.halfWidth > 0)
        let c = try XCTUnwrap(analysis.comparison("complaints_per_1000", strategy: "gentle"))
        XCTAssertEqual(c.baseline, "graded")
        XCTAssertTrue(c.difference.low <= c.difference.mean && c.difference.mean <= c.difference.high)
        XCTAssertTrue((0...1).contains(c.pValue))
        XCTAssertEqual(analysis.groups.first, "all")
        let folder = TestRun.temporaryDirectory().appendingPathComponent("from-swift-run")
        try RunWriter.write(analysis, to: folder,
                            identity: RunIdentity(version: RunWriter.version, commandLine: "my-program", threads: 2))
        for file in ["metrics.csv", "curves.csv", "comparison.csv", "rollrates.csv", "replications.csv", "summary.json", "report.html", "report.md", "analysis.ipynb"] {
            XCTAssertTrue(article.contains("`\(file)`"), file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
    }

    func testTheCatalogBuildsWithoutWarnings() throws {
        // The symbol graph `generate-documentation` extracts for CollectSimKit: the module holds
        // only re-exports, so its graph has no symbols of its own.
        let graphs = TestRun.temporaryDirectory()
        try """
        {"metadata":{"formatVersion":{"major":0,"minor":6,"patch":0},"generator":"CollectSim tests"},\
        "module":{"name":"CollectSimKit","platform":{"architecture":"x86_64","environment":"gnu","vendor":"unknown","operatingSystem":{"name":"linux"}}},\
        "symbols":[],"relationships":[]}
        """.write(to: graphs.appendingPathComponent("CollectSimKit.symbols.json"), atomically: true, encoding: .utf8)
        let out = TestRun.temporaryDirectory().appendingPathComponent("CollectSimKit.doccarchive")
        let r = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["docc", "convert", Self.catalog.path, "--additional-symbol-graph-dir", graphs.path,
                                     "--output-path", out.path, "--warnings-as-errors"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).lowercased().contains("warning"), r.stdout + r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("data/documentation/collectsimkit/runningascenario.json").path))
    }
}
