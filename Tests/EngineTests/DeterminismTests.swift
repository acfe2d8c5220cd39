import Analysis
import CollectionsModel
import Engine
import Reports
import Scenario
import TestSupport
import XCTest

final class DeterminismTests: XCTestCase {
    /// Small but not trivial: several blocks per replication, every built-in strategy.
    let yaml = """
    name: determinism
    seed: 11
    replications: 3
    horizon_days: 120
    population: {size: 9000}
    """

    func testResultsAreBitIdenticalForOneTwoAndFourThreads() throws {
        let one = try TestRun.run(yaml, threads: 1)
        let two = try TestRun.run(yaml, threads: 2)
        let four = try TestRun.run(yaml, threads: 4)
        XCTAssertEqual(one.tallies, two.tallies)
        XCTAssertEqual(one.tallies, four.tallies)
        // And the files written from them are byte-identical.
        let identity = RunIdentity(version: RunWriter.version, commandLine: "test", threads: 1)
        let dirs = try [one, two, four].map { run -> URL in
            let dir = TestRun.temporaryDirectory()
            try RunWriter.write(Analyzer.analyze(run), to: dir, identity: identity)
            return dir
        }
        for file in ["summary.json", "metrics.csv", "curves.csv", "comparison.csv", "rollrates.csv", RunWriter.replicationsFile, "scenario.resolved.yaml"] {
            let contents = try dirs.map { try Data(contentsOf: $0.appendingPathComponent(file)) }
            XCTAssertFalse(contents[0].isEmpty, file)
            XCTAssertEqual(contents[0], contents[1], file)
            XCTAssertEqual(contents[0], contents[2], file)
        }
    }

    func testADifferentSeedGivesDifferentResults() throws {
        let a = try TestRun.run(yaml, threads: 2)
        let b = try TestRun.run(yaml.replacingOccurrences(of: "seed: 11", with: "seed: 12"), threads: 2)
        XCTAssertNotEqual(a.tallies, b.tallies)
    }

    func testTwoCopiesOfTheSameStrategyDifferByExactlyZero() throws {
        let result = try TestRun.analyze("""
        name: crn
        replications: 4
        horizon_days: 120
        population: {size: 6000}
        strategies:
          graded: builtin
          graded_again: {extends: graded}
        baseline: graded
        """)
        // Every metric of every group is compared, and all but those a group cannot define
        // (a ratio over no accounts, collector use outside "all") have their 4 replications.
        let defined = result.comparisons.filter { $0.difference.n > 0 }
        XCTAssertEqual(defined.filter { $0.group == "all" }.count, Metrics.all.count)
        XCTAssertGreaterThan(defined.count, result.comparisons.count / 2)
        for c in defined {
            XCTAssertEqual(c.difference.n, 4, c.metric)
            XCTAssertEqual(c.difference.mean, 0, c.metric)
            XCTAssertEqual(c.difference.low, 0, c.metric)
            XCTAssertEqual(c.difference.high, 0, c.metric)
            XCTAssertEqual(c.pValue, 1, c.metric)
        }
    }
}
