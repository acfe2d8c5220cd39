import Analysis
import Engine
import Scenario
import XCTest

/// An experiment's points are the scenario with the factors set, run with common random numbers.
final class ExperimentEvaluatorTests: XCTestCase {
    let yaml = """
    name: crn
    seed: 4
    horizon_days: 60
    strategies: [graded, strict]
    experiment:
      replications: 3
      population: 3000
      sweep:
        factors:
          - path: strategies.graded.rules[2].every_days
            values: [2, 6]
          - path: model.capacity.macro_stress
            values: [0.9, 1.2]
    """

    func testAPointIsThePlainRunOfTheScenarioWithThoseValues() throws {
        let s = try ScenarioLoader.parse(yaml: yaml, file: "crn.yaml")
        let factors = s.experiment!.sweep!.factors
        let evaluator = ExperimentEvaluator(base: s, factors: factors, threads: 2)
        let point = try evaluator.evaluate([6, 1.2])

        var direct = try ScenarioEditor(s).scenario(setting: [(factors[0].path, 6), (factors[1].path, 1.2)])
        direct.replications = 3
        direct.population.size = 3000
        let run = Runner(scenario: direct, threads: 1).run()
        for (k, name) in run.strategyNames.enumerated() {
            for m in Metrics.all {
                let expected = run.tallies[k].map { m.value($0) }
                let got = point.perReplication[name]![m.name]!
                XCTAssertEqual(got.count, expected.count)
                for (a, b) in zip(got, expected) { XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(name) \(m.name): \(a) vs \(b)") }
            }
        }
    }

    func testAFactorAStrategyDoesNotUseLeavesThatStrategyBitForBitUnchanged() throws {
        // Common random numbers: graded's cadence does not touch strict, so strict meets the same
        // draws at both cadences and its results are identical.
        let s = try ScenarioLoader.parse(yaml: yaml, file: "crn.yaml")
        let evaluator = ExperimentEvaluator(base: s, factors: s.experiment!.sweep!.factors, threads: 2)
        let a = try evaluator.evaluate([2, 1]), b = try evaluator.evaluate([6, 1])
        XCTAssertEqual(a.perReplication["strict"]!["recovery_rate"], b.perReplication["strict"]!["recovery_rate"])
        XCTAssertEqual(a.perReplication["strict"]!["complaints_per_1000"], b.perReplication["strict"]!["complaints_per_1000"])
        // The factor does reach graded, so the equalities above are not vacuous. (Complaints are
        // too rare at this size to move: about one per 1,000 accounts a year.)
        XCTAssertNotEqual(a.perReplication["graded"]!["recovery_rate"], b.perReplication["graded"]!["recovery_rate"])
    }

    func testTheGridIsEveryCombinationWithTheLastFactorFastest() throws {
        let s = try ScenarioLoader.parse(yaml: yaml, file: "crn.yaml")
        XCTAssertEqual(ExperimentDesign.sweep(s.experiment!.sweep!), [[2, 0.9], [2, 1.2], [6, 0.9], [6, 1.2]])
    }

    func testASobolDesignStaysInItsRangesAndRoundsWholeNumberFields() throws {
        let s = try ScenarioLoader.parse(yaml: """
        name: sobol
        strategies: [graded]
        experiment:
          sweep:
            design: sobol
            points: 50
            factors:
              - {path: "strategies.graded.rules[2].every_days", range: [2, 9]}
              - {path: model.capacity.macro_stress, range: [0.8, 1.2]}
        """, file: "sobol.yaml")
        let points = ExperimentDesign.sweep(s.experiment!.sweep!)
        XCTAssertEqual(points.count, 50)
        XCTAssertEqual(Set(points.map(\.[0])), Set((2...9).map(Double.init)), "every whole cadence is visited")
        XCTAssertTrue(points.allSatisfy { (0.8...1.2).contains($0[1]) })
        XCTAssertEqual(Set(points.map(\.[1])).count, 50, "a space-filling design repeats no level")
    }
}

/// Every point an experiment will evaluate is checked before the first evaluation.
final class ExperimentPointValidationTests: XCTestCase {
    func scenario(_ experiment: String) throws -> Scenario {
        try ScenarioLoader.parse(yaml: """
        name: points
        horizon_days: 30
        strategies: [graded]
        experiment:
        \(experiment)
        """, file: "points.yaml")
    }

    /// Each factor alone is valid at both ends of its values, so loading accepts the file; the
    /// grid's point (9, 5) sets the lowest tolerance above the highest.
    func testAGridPointThatBreaksARuleBetweenFactorsIsRefusedBeforeAnyEvaluation() throws {
        let s = try scenario("""
          sweep:
            factors:
              - path: model.complaint.tolerance_min
                values: [2, 9]
              - path: model.complaint.tolerance_max
                values: [5, 12]
        """)
        XCTAssertThrowsError(try ExperimentEvaluator.validate(s)) { error in
            let e = error as! ScenarioError
            XCTAssertEqual(e.file, "points.yaml")
            XCTAssertEqual(e.line, 7, "located at the first factor in the user's file")
            XCTAssertEqual(e.field, "experiment.sweep.factors")
            XCTAssertTrue(e.message.hasPrefix("design point 3 of 4 (model.complaint.tolerance_min = 9, model.complaint.tolerance_max = 5) is not a valid scenario:"), e.message)
            XCTAssertTrue(e.message.contains("tolerance_min is greater than complaint.tolerance_max"), e.message)
        }
    }

    func testASearchWhoseRangeReachesAnInvalidCornerIsRefused() throws {
        let s = try scenario("""
          optimize:
            factors:
              - path: model.complaint.tolerance_min
                range: [1, 8]
              - path: model.complaint.tolerance_max
                range: [6, 20]
        """)
        XCTAssertThrowsError(try ExperimentEvaluator.validate(s)) { error in
            let e = error as! ScenarioError
            XCTAssertTrue(e.message.hasPrefix("corner of the search range 3 of 4 (model.complaint.tolerance_min = 8, model.complaint.tolerance_max = 6)"), e.message)
        }
    }

    func testADesignWhosePointsAreAllValidPasses() throws {
        let s = try scenario("""
          sensitivity:
            samples: 8
            factors:
              - path: model.complaint.tolerance_min
                range: [1, 4]
              - path: model.complaint.tolerance_max
                range: [5, 20]
        """)
        XCTAssertNoThrow(try ExperimentEvaluator.validate(s))
    }
}
