import Analysis
import Engine
import Foundation
import Experiments
import Scenario
import XCTest

/// Three replications do not reach the target; fifteen are allowed.
let precisionScenario = """
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

final class PrecisionTests: XCTestCase {
    let yaml = precisionScenario

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

    /// The one precision loop asks for the replications it checks at — the scenario's, then one
    /// batch more at a time up to the cap — and stops where the work holds no more, or stopped.
    func testThePrecisionRuleChecksAtTheScenariosCountThenEveryBatchUpToTheCap() throws {
        let scenario = try ScenarioLoader.parse(yaml: yaml.replacingOccurrences(of: "0.002", with: "0.0000001")
            .replacingOccurrences(of: "max_replications: 15", with: "max_replications: 8"), file: "p.yaml")
        let full = Runner(scenario: scenario, threads: 2).run(replications: 0..<8)
        var asked: [Int] = []
        let outOfReach = PrecisionRun.stop(scenario) { n in asked.append(n); return full.prefix(n) }
        XCTAssertEqual(asked, [3, 5, 7, 8])
        XCTAssertEqual(outOfReach?.replications, 8)
        XCTAssertEqual(outOfReach?.targetsMet, false)
        // Work that holds only 6 replications (a cluster run cut short) stops at 6.
        XCTAssertEqual(PrecisionRun.stoppingPoint(full.prefix(6)).replications, 6)
        // A stop request during the second batch: no stopping point.
        asked = []
        XCTAssertNil(PrecisionRun.stop(scenario) { n in asked.append(n); return n > 5 ? nil : full.prefix(n) })
        XCTAssertEqual(asked, [3, 5, 7])
        // Without a precision rule: the scenario's replications, met.
        var plain = scenario
        plain.precision = nil
        asked = []
        let once = PrecisionRun.stop(plain) { n in asked.append(n); return full.prefix(n) }
        XCTAssertEqual(asked, [3])
        XCTAssertEqual(once?.replications, 3)
        XCTAssertEqual(once?.targetsMet, true)
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

/// A run stopped between replications and resumed from its checkpoints takes the same
/// precision decisions, and gives the same tallies, as one uninterrupted run.
final class CheckpointedRunTests: XCTestCase {
    func testStoppedAndResumedPrecisionRunEqualsAnUninterruptedOne() throws {
        let scenario = try ScenarioLoader.parse(yaml: precisionScenario, file: "c.yaml")
        let plain = try PrecisionRun.run(scenario, threads: 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-ckpt-\(UUID().uuidString)")
        var resumedFrom: [Int] = []
        var outcome: CheckpointedRun.Outcome
        repeat {
            // Ask to stop once this pass has finished a replication (the passes before kept one
            // each): the stop is honoured before the next one starts, so each pass adds exactly
            // one. A stop asked for earlier would drop the replication under way, and the pass
            // would add none.
            let stop = StopRequest()
            let kept = resumedFrom.count
            outcome = try CheckpointedRun.run(scenario, in: dir, threads: 2, stop: stop, progress: { p in
                if p.replicationsDone > kept { stop.request(signal: SIGINT) }
            })
            resumedFrom.append(outcome.resumed)
        } while outcome.partial && resumedFrom.count <= 15
        XCTAssertEqual(resumedFrom, Array(0..<resumedFrom.count), "one replication per pass")
        XCTAssertEqual(outcome.run.replicationsCompleted, plain.run.replicationsCompleted)
        XCTAssertEqual(outcome.targetsMet, plain.targetsMet)
        XCTAssertEqual(outcome.run.tallies, plain.run.tallies)
    }
}
