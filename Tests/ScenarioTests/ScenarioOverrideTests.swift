import Foundation
import Scenario
import XCTest

/// `--set PATH=VALUE` as the scenario module parses and applies it: decimal numbers only, the
/// seed and the experiment section left to their own flags, and the result checked as a file.
final class ScenarioOverrideTests: XCTestCase {
    let withSweep = """
    name: overrides
    strategies: [gentle, graded]
    experiment:
      replications: 2
      population: 1000
      sweep:
        factors:
          - path: model.capacity.macro_stress
            values: [0.9, 1.1]
    """

    func testAnArgumentIsAPathAnEqualsSignAndADecimalNumber() throws {
        let o = try ScenarioOverride(argument: " model.capacity.macro_stress = 1.25 ")
        XCTAssertEqual(o.path.text, "model.capacity.macro_stress")
        XCTAssertEqual(o.value, 1.25)
        XCTAssertEqual(try ScenarioOverride(argument: "horizon_days=1e2").value, 100)
        XCTAssertEqual(o.description, "model.capacity.macro_stress=1.25")
    }

    func testMalformedArgumentsAreRefusedSayingWhatWasExpected() {
        let cases: [(String, String)] = [
            ("model.capacity.macro_stress", "expected PATH=VALUE"),
            ("=3", "the path is empty"),
            ("model..x=3", "empty name"),
            ("horizon_days=0x10", "is not a number"),
            ("horizon_days=.inf", "is not a number"),
            ("horizon_days=nan", "is not a number"),
            ("horizon_days=", "is not a number"),
            ("horizon_days=1e400", "is not a number"),
            ("seed=4", "--seed"),
            ("experiment.replications=4", "--replications"),
            (String(repeating: "a", count: 301) + "=1", "characters long"),
        ]
        for (argument, expected) in cases {
            XCTAssertThrowsError(try ScenarioOverride(argument: argument), argument) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(argument): \(error)")
            }
        }
    }

    func testOverridesSetTheirFieldsAndKeepTheExperiment() throws {
        let s = try ScenarioLoader.parse(yaml: withSweep, file: "o.yaml")
        let changed = try ScenarioOverride.apply([ScenarioOverride(argument: "horizon_days=90"),
                                                  ScenarioOverride(argument: "model.complaint.tolerance_max=9")], to: s)
        XCTAssertEqual(changed.horizonDays, 90)
        XCTAssertEqual(changed.parameters["complaint.tolerance_max"], 9)
        XCTAssertEqual(changed.experiment, s.experiment)
        XCTAssertEqual(changed.sourceFile, "o.yaml")
        // The same field set in the file gives the same scenario.
        let edited = try ScenarioLoader.parse(yaml: withSweep.replacingOccurrences(of: "name: overrides", with: """
        name: overrides
        horizon_days: 90
        model: {complaint.tolerance_max: 9}
        """), file: "o.yaml")
        XCTAssertEqual(ScenarioWriter.yaml(changed), ScenarioWriter.yaml(edited))
    }

    func testTheSameFieldTwiceOrAnExperimentFactorIsRefused() throws {
        let s = try ScenarioLoader.parse(yaml: withSweep, file: "o.yaml")
        XCTAssertThrowsError(try ScenarioOverride.apply([ScenarioOverride(argument: "horizon_days=90"),
                                                         ScenarioOverride(argument: "horizon_days=120")], to: s)) { error in
            XCTAssertEqual((error as? ScenarioError)?.field, "horizon_days")
            XCTAssertTrue("\(error)".contains("set twice"), "\(error)")
        }
        XCTAssertThrowsError(try ScenarioOverride.apply([ScenarioOverride(argument: "model.capacity.macro_stress=1.2")], to: s)) { error in
            XCTAssertTrue("\(error)".contains("is a factor of the experiment"), "\(error)")
        }
    }

    /// With a portfolio as the population, the fields that only shape a generated cohort
    /// (its size, mix and the segments' balance, term and grade distributions) would change
    /// nothing: setting or varying them is refused; what the model still draws is not.
    func testCohortOnlyFieldsAreRefusedWhenThePopulationIsAPortfolio() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        account_id,segment,grade,balance,overdue,days_past_due,installment,remaining_term
        a1,salaried,B,1000,0,-5,100,10
        a2,salaried,D,2000,200,35,200,10

        """.write(to: dir.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("s.yaml")
        try "name: b\npopulation: {portfolio: book.csv}\nstrategies: [graded]\n".write(to: file, atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.load(path: file.path)
        for path in ["population.delinquent_share", "population.size", "population.segments.salaried.balance_median",
                     "population.segments.salaried.term_months_max"] {
            XCTAssertThrowsError(try ScenarioOverride.apply([ScenarioOverride(argument: "\(path)=2")], to: s), path) { error in
                XCTAssertEqual((error as? ScenarioError)?.field, path)
                XCTAssertTrue("\(error)".contains("shapes a generated cohort only; the population is the portfolio book.csv, whose file gives it"), "\(error)")
            }
        }
        // Drawn for each account whatever the file says: still a factor worth varying.
        let changed = try ScenarioOverride.apply([ScenarioOverride(argument: "population.segments.salaried.hardship_rate=0.01")], to: s)
        XCTAssertEqual(changed.population.segments.first { $0.name == "salaried" }?.hardshipRate, 0.01)
        // Without a portfolio the same field is an ordinary override.
        let generated = try ScenarioLoader.parse(yaml: "name: g\nstrategies: [graded]\n", file: "g.yaml")
        XCTAssertNoThrow(try ScenarioOverride.apply([ScenarioOverride(argument: "population.delinquent_share=0.3")], to: generated))
    }

    func testAValueTheFileWouldRefuseIsRefusedWithTheFileSRange() throws {
        let s = try ScenarioLoader.parse(yaml: withSweep, file: "o.yaml")
        XCTAssertThrowsError(try ScenarioOverride.apply([ScenarioOverride(argument: "horizon_days=2.5")], to: s)) { error in
            XCTAssertEqual((error as? ScenarioError)?.field, "horizon_days")
            XCTAssertTrue("\(error)".contains("whole number"), "\(error)")
        }
    }
}
