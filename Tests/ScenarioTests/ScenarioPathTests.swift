import CollectionsModel
import Foundation
import Scenario
import XCTest

/// Experiments vary a scenario's fields by path: each path reaches exactly the field it names,
/// and a wrong path or value is an error that names it.
final class ScenarioPathTests: XCTestCase {
    let base = """
    name: paths
    strategies: [gentle, graded]
    baseline: graded
    """

    func editor() throws -> ScenarioEditor { ScenarioEditor(try ScenarioLoader.parse(yaml: base, file: "paths.yaml")) }

    func set(_ path: String, _ value: Double) throws -> Scenario {
        try editor().scenario(setting: [(try ScenarioPath(path), value)])
    }

    func testAModelParameterPathChangesThatParameterOnly() throws {
        let original = try ScenarioLoader.parse(yaml: base, file: "paths.yaml")
        let changed = try set("model.capacity.macro_stress", 1.37)
        XCTAssertEqual(changed.parameters["capacity.macro_stress"], 1.37)
        for spec in ParameterCatalog.all where spec.key != "capacity.macro_stress" {
            XCTAssertEqual(changed.parameters[spec.key], original.parameters[spec.key], spec.key)
        }
        XCTAssertEqual(changed.strategies, original.strategies)
        XCTAssertEqual(changed.population, original.population)
    }

    func testARuleFieldSetsEveryActionOfThatRuleAndNoOther() throws {
        let original = try ScenarioLoader.parse(yaml: base, file: "paths.yaml")
        let changed = try set("strategies.graded.rules[2].every_days", 11)
        let before = original.strategies[1].rules, after = changed.strategies[1].rules
        XCTAssertEqual(after[2].actions.map(\.everyDays), Array(repeating: 11, count: before[2].actions.count))
        XCTAssertGreaterThan(before[2].actions.count, 1, "the test needs a rule with several actions")
        for i in before.indices where i != 2 { XCTAssertEqual(after[i], before[i], "rule \(i)") }
        XCTAssertEqual(changed.strategies[0], original.strategies[0], "another strategy is untouched")
    }

    func testAnActionPathSetsThatActionOnly() throws {
        let original = try ScenarioLoader.parse(yaml: base, file: "paths.yaml")
        let changed = try set("strategies.graded.rules[2].do[1].every_days", 13)
        XCTAssertEqual(changed.strategies[1].rules[2].actions[1].everyDays, 13)
        XCTAssertEqual(changed.strategies[1].rules[2].actions[0], original.strategies[1].rules[2].actions[0])
    }

    func testSegmentAndListIndexPaths() throws {
        let original = try ScenarioLoader.parse(yaml: base, file: "paths.yaml").population.segments
        let weight = try set("population.segments.low_income.weight", 0.4)
        XCTAssertEqual(weight.population.segments.first { $0.name == "low_income" }?.weight, 0.4)
        // The other segments fill the rest in their original proportions.
        let others = original.filter { $0.name != "low_income" }
        let otherTotal = others.reduce(0) { $0 + $1.weight }
        for s in others {
            let w = weight.population.segments.first { $0.name == s.name }!.weight
            XCTAssertEqual(w, s.weight / otherTotal * 0.6, accuracy: 1e-12, s.name)
        }
        let grade = try set("population.segments.salaried.grade_weights[4]", 0.5)
        XCTAssertEqual(grade.population.segments.first { $0.name == "salaried" }?.gradeWeights[4], 0.5)
        XCTAssertEqual(try editor().value(at: ScenarioPath("horizon_days")), 360)
    }

    func testWrongPathsNameWhatIsThere() throws {
        func message(_ path: String) -> String {
            do { _ = try editor().value(at: ScenarioPath(path)); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("model.capacity.macro_stres").contains("did you mean 'capacity.macro_stress'?"), message("model.capacity.macro_stres"))
        XCTAssertTrue(message("strategies.graded.rules[2].every_dayz").contains("did you mean 'every_days'?"))
        XCTAssertTrue(message("strategies.graded.rules[40].every_days").contains("index [40] is past its end"))
        XCTAssertTrue(message("strategies.graded.rules[2]").contains("not a number"))
        XCTAssertTrue(message("strategies..graded").contains("empty name"))
        XCTAssertTrue(message("strategies.graded.rules[x]").contains("list index"))
    }

    func testAnInvalidValueIsRejectedByTheScenarioValidation() throws {
        XCTAssertThrowsError(try set("population.delinquent_share", 1.5)) { error in
            let e = error as? ScenarioError
            XCTAssertEqual(e?.field, "population.delinquent_share")
            XCTAssertTrue(e?.message.contains("[0, 1]") ?? false, "\(error)")
        }
        XCTAssertTrue(try editor().takesWholeNumbers(ScenarioPath("strategies.graded.rules[2].every_days")))
        XCTAssertFalse(try editor().takesWholeNumbers(ScenarioPath("model.capacity.macro_stress")))
    }

    // MARK: The experiment section

    func experimentError(_ experiment: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(yaml: base + "\n" + experiment, file: "bad.yaml")
            return nil
        } catch { return error as? ScenarioError }
    }

    func testFactorErrorsPointAtTheFactor() throws {
        let e1 = experimentError("""
        experiment:
          sweep:
            factors:
              - path: strategies.graded.rules[2].every_dayz
                values: [2, 4]
        """)
        XCTAssertEqual(e1?.line, 7)
        XCTAssertEqual(e1?.field, "experiment.sweep.factors[0].path")
        XCTAssertTrue(e1?.message.contains("did you mean 'every_days'?") ?? false, "\(String(describing: e1))")

        let e2 = experimentError("""
        experiment:
          sweep:
            factors:
              - {path: "strategies.graded.rules[2].every_days", values: [2, 4.5]}
        """)
        XCTAssertEqual(e2?.line, 7)
        XCTAssertEqual(e2?.field, "experiment.sweep.factors[0].values")
        XCTAssertTrue(e2?.message.contains("takes whole numbers, found 4.5") ?? false, "\(String(describing: e2))")

        let e3 = experimentError("""
        experiment:
          sensitivity:
            factors:
              - {path: population.delinquent_share, range: [0.2, 1.4]}
              - {path: model.capacity.macro_stress, range: [0.8, 1.2]}
        """)
        XCTAssertEqual(e3?.field, "experiment.sensitivity.factors[0].range")
        XCTAssertTrue(e3?.message.contains("population.delinquent_share = 1.4 is not a valid scenario") ?? false, "\(String(describing: e3))")

        let e4 = experimentError("""
        experiment:
          strategies: [gradd]
        """)
        XCTAssertEqual(e4?.field, "experiment.strategies[0]")
        XCTAssertTrue(e4?.message.contains("did you mean 'graded'?") ?? false, "\(String(describing: e4))")

        let unquoted = experimentError("""
        experiment:
          sweep:
            factors:
              - {path: strategies.graded.rules[2].every_days, values: [2, 4]}
        """)
        XCTAssertTrue(unquoted?.message.contains("must be quoted") ?? false, "\(String(describing: unquoted))")

        let e5 = experimentError("""
        experiment:
          sweep: {design: latin}
        """)
        XCTAssertTrue(e5?.message.contains("unknown design 'latin'") ?? false, "\(String(describing: e5))")
    }

    func testTheResolvedScenarioKeepsItsExperiment() throws {
        let s = try ScenarioLoader.parse(yaml: base + """

        experiment:
          replications: 3
          population: 2000
          strategies: [graded]
          metrics: [recovery_rate]
          sweep:
            design: sobol
            points: 7
            factors:
              - {path: "strategies.graded.rules[2].every_days", range: [2, 9]}
              - {path: model.capacity.macro_stress, range: [0.8, 1.2]}
          optimize:
            strategy: graded
            constraints: [{metric: complaints_per_1000, max: 20}]
            frontier: {against: complaints_per_1000, points: 4}
            factors:
              - {path: "strategies.graded.rules[3].every_days", range: [2, 10], start: 4}
        """, file: "exp.yaml")
        let again = try ScenarioLoader.parse(yaml: ScenarioWriter.yaml(s), file: "resolved.yaml")
        XCTAssertEqual(again.experiment?.sweep?.factors.map(\.path.text), s.experiment?.sweep?.factors.map(\.path.text))
        XCTAssertEqual(again.experiment?.sweep?.factors.map(\.range), s.experiment?.sweep?.factors.map(\.range))
        XCTAssertEqual(again.experiment?.sweep?.factors.map(\.integer), [true, false])
        XCTAssertEqual(again.experiment?.optimize?.constraints.map(\.max), [20])
        XCTAssertEqual(again.experiment?.optimize?.factors.first?.start, 4)
        XCTAssertEqual(again.experiment?.replications, 3)
        XCTAssertEqual(ScenarioWriter.yaml(again), ScenarioWriter.yaml(s))
    }
}

/// The example experiments shipped in `scenarios/experiments/` load, with the experiment each
/// file is named for.
final class ExampleExperimentTests: XCTestCase {
    func testEveryExampleExperimentLoads() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios/experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(files.count, 4)
        for f in files {
            let s = try ScenarioLoader.load(path: folder.appendingPathComponent(f).path)
            let e = try XCTUnwrap(s.experiment, f)
            let declared = [e.sweep != nil, e.sensitivity != nil, e.optimize != nil, e.calibrate != nil].filter { $0 }.count
            XCTAssertEqual(declared, 1, f)
        }
    }

    /// Every factor of an example brackets the scenario's own value of its field, so the study
    /// varies the model around where it stands (a range far from it reads as "does not matter").
    func testEveryExampleFactorBracketsTheScenariosValue() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios/experiments")
        for f in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".yaml") }) {
            let s = try ScenarioLoader.load(path: folder.appendingPathComponent(f).path)
            let e = try XCTUnwrap(s.experiment)
            let editor = ScenarioEditor(s)
            for factor in e.allFactors {
                let v = try editor.value(at: factor.path)
                let levels = factor.values ?? [factor.range!.lowerBound, factor.range!.upperBound]
                XCTAssertTrue(levels.min()! <= v && v <= levels.max()!, "\(f): \(factor.path.text) varies over \(levels), not around its value \(v)")
            }
            XCTAssertEqual(FactorRangeCheck.warnings(s), [], f)
        }
    }
}

/// A factor whose levels lie more than ten times from the scenario's value is flagged.
final class FactorRangeCheckTests: XCTestCase {
    func scenario(_ factor: String) throws -> Scenario {
        try ScenarioLoader.parse(yaml: """
        name: ranges
        strategies: [graded]
        experiment:
          sensitivity:
            samples: 4
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.2]}
              - \(factor)
        """, file: "ranges.yaml")
    }

    func testARangeFarAboveOrBelowTheValueIsFlaggedAtTheFactor() throws {
        // low_income.hardship_rate is 0.012 a day.
        let above = FactorRangeCheck.warnings(try scenario("{path: population.segments.low_income.hardship_rate, range: [0.15, 0.4]}"))
        XCTAssertEqual(above.count, 1)
        XCTAssertEqual(above.first?.field, "population.segments.low_income.hardship_rate")
        XCTAssertEqual(above.first?.line, 8)
        XCTAssertTrue(above.first?.description.hasPrefix("ranges.yaml:8:9:") == true, "\(above)")
        XCTAssertTrue(above.first?.message.contains("12.5×") == true, "\(above)")
        let below = FactorRangeCheck.warnings(try scenario("{path: population.segments.low_income.hardship_rate, range: [0.0001, 0.001]}"))
        XCTAssertTrue(below.first?.message.contains("below it") == true, "\(below)")
    }

    func testARangeWithinAnOrderOfMagnitudeIsNotFlagged() throws {
        XCTAssertEqual(FactorRangeCheck.warnings(try scenario("{path: population.segments.low_income.hardship_rate, range: [0.05, 0.1]}")), [])
        XCTAssertEqual(FactorRangeCheck.warnings(try scenario("{path: population.segments.low_income.hardship_rate, range: [0.006, 0.024]}")), [])
        XCTAssertEqual(FactorRangeCheck.warnings(try scenario("{path: population.segments.low_income.hardship_rate, range: [0.0012, 0.002]}")), [])
    }
}
