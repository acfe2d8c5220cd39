import Analysis
import Engine
import Scenario
import XCTest

final class PrecisionTests: XCTestCase {
    let yaml = """
    name: precision
    seed: 17
    replications: 3
    horizon_days: 90
    population: {size: 5000}
    strategies: [gentle, graded]
    precision:
      batch: 2
      max_replications: 15
      targets: {recovery_rate: 0.002}
    """

    func testStopsOnceTargetsAreMetAndEqualsAPlainRunOfThatLength() throws {
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "p.yaml")
        let outcome = try PrecisionRun.run(scenario, threads: 2)
        let n = outcome.run.replicationsCompleted
        XCTAssertGreaterThan(n, 3, "three replications should not reach the target")
        XCTAssertTrue(outcome.targetsMet)
        for s in ["gentle", "graded"] {
            XCTAssertLessThanOrEqual(try XCTUnwrap(outcome.analysis.estimate("recovery_rate", strategy: s)).halfWidth, 0.002)
        }
        // The same number of replications asked for up front gives identical tallies.
        var plain = scenario
        plain.precision = nil
        plain.replications = n
        XCTAssertEqual(Runner(scenario: plain, threads: 1).run().tallies, outcome.run.tallies)
    }

    func testStopsAtTheCapWhenTargetsAreOutOfReach() throws {
        let scenario = try ScenarioLoader.parse(yaml: yaml.replacingOccurrences(of: "0.002", with: "0.0000001")
            .replacingOccurrences(of: "max_replications: 15", with: "max_replications: 6"), file: "p.yaml")
        let outcome = try PrecisionRun.run(scenario, threads: 2)
        XCTAssertEqual(outcome.run.replicationsCompleted, 6)
        XCTAssertFalse(outcome.targetsMet)
    }

    func testUnknownTargetMetricNamesItsLineAndColumn() throws {
        let scenario = try ScenarioLoader.parse(yaml: yaml.replacingOccurrences(of: "recovery_rate: 0.002", with: "recovery_rat: 0.002"), file: "p.yaml")
        XCTAssertThrowsError(try PrecisionRun.validate(scenario)) { error in
          guard let e = error as? ScenarioError else { return XCTFail("\(error)") }
          XCTAssertEqual(e.file, "p.yaml")
          XCTAssertEqual(e.line, 10)
          XCTAssertEqual(e.column, 13)
          XCTAssertEqual(e.field, "precision.targets.recovery_rat")
          XCTAssertTrue(e.message.contains("did you mean 'recovery_rate'?"), e.message)
        }
    }
}
