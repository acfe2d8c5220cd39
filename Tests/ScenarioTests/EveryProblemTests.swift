import Scenario
import XCTest

/// One pass reports every problem it can find in a scenario, in the order of the file, so a
/// user fixes them all at once rather than one run at a time.
final class EveryProblemTests: XCTestCase {
    func problems(_ yaml: String) -> [ScenarioError] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "many.yaml")
            return []
        } catch let e as ScenarioError {
            var first = e
            first.others = []
            return [first] + e.others
        } catch {
            XCTFail("not a ScenarioError: \(error)")
            return []
        }
    }

    func testIndependentProblemsAreAllReportedInFileOrder() {
        let found = problems("""
        name: many
        seed: -4
        horizon_days: 0
        replicatons: 3
        strategies:
          first:
            rules: [{when: {dpd: [1, 30]}, do: [{action: shout}]}]
          second:
            extends: grades
          fine: {extends: graded}
        output: {export_accounts: maybe}
        """)
        XCTAssertEqual(found.map(\.field), ["seed", "horizon_days", "replicatons", "strategies.first.rules[0].do[0].action",
                                           "strategies.second.extends", "output.export_accounts"], "\(found)")
        XCTAssertEqual(found.map(\.line), found.map(\.line).sorted())
    }

    func testPartsThatDependOnABrokenOneWaitForIt() {
        // With the segments in doubt, a rule naming a segment cannot be judged: only the
        // population's own problem is reported.
        let found = problems("""
        name: dependent
        population: {delinquent_share: 3, segments: {students: {weight: 1}}}
        strategies:
          s: {rules: [{when: {segment: [students]}, do: [{action: sms}]}]}
        """)
        XCTAssertEqual(found.map(\.field), ["population.delinquent_share"], "\(found)")
    }

    func testAStrategyExtendingABrokenOneDoesNotRepeatItsProblem() {
        let found = problems("""
        name: repeated
        strategies:
          base: {rules: [{when: {dpd: [1, 30]}, do: [{action: shout}]}]}
          child: {extends: base}
        """)
        XCTAssertEqual(found.count, 1, "\(found)")
    }

    func testTheListStopsAtTwentyAndCountsTheRest() throws {
        let strategies = (0..<30).map { "  s\($0): {rules: [{when: {dpd: [1, 30]}, do: [{action: shout}]}]}" }.joined(separator: "\n")
        do {
            _ = try ScenarioLoader.parse(yaml: "name: lots\nstrategies:\n\(strategies)\n", file: "lots.yaml")
            XCTFail("accepted")
        } catch let e as ScenarioError {
            XCTAssertEqual(e.others.count, 19)
            XCTAssertEqual(e.unlisted, 10)
            XCTAssertTrue(e.description.hasSuffix("… and 10 more problems in lots.yaml"), e.description)
        }
    }
}
