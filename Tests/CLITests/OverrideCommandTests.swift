import Foundation
import TestSupport
import XCTest

/// `--set`, `--seed`, `--replications` and `--population` on `run` and the experiment commands:
/// a run with an override is the run of the file with that value, and bad overrides are refused
/// naming the flag before anything is written.
final class OverrideCommandTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func collectsim(_ args: [String], in dir: URL) throws -> ProcessOutput {
        try TestProcess.run(binary, args, in: dir, environment: TestProcess.reproducibleDate)
    }

    static let small = """
    name: override-me
    seed: 5
    replications: 2
    horizon_days: 60
    population: {size: 2000}
    strategies: [gentle, graded]
    """

    func testARunWithSetEqualsTheRunOfTheFileWithThatValue() throws {
        let dir = TestRun.temporaryDirectory()
        let plain = try TestRun.write(Self.small, "small.yaml", in: dir)
        let edited = try TestRun.write(Self.small.replacingOccurrences(of: "horizon_days: 60", with: "horizon_days: 60\nmodel: {capacity.macro_stress: 1.3}"),
                                       "edited.yaml", in: dir)
        let a = try collectsim(["run", plain.path, "--set", "model.capacity.macro_stress=1.3", "--seed", "9", "--out", "a", "--quiet"], in: dir)
        XCTAssertEqual(a.status, 0, a.stderr)
        let b = try collectsim(["run", edited.path, "--seed", "9", "--out", "b", "--quiet"], in: dir)
        XCTAssertEqual(b.status, 0, b.stderr)
        let metrics = { (folder: String) in try Data(contentsOf: dir.appendingPathComponent(folder).appendingPathComponent("metrics.csv")) }
        XCTAssertEqual(try metrics("a"), try metrics("b"))
        let resolved = try String(contentsOf: dir.appendingPathComponent("a/scenario.resolved.yaml"), encoding: .utf8)
        XCTAssertTrue(resolved.contains("capacity.macro_stress: 1.3"), "the saved scenario records the value it ran with")
        let c = try collectsim(["run", plain.path, "--seed", "9", "--out", "c", "--quiet"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertNotEqual(try metrics("a"), try metrics("c"), "the override changed the run")
    }

    func testBadOverridesAreRefusedNamingTheFlagAndWriteNothing() throws {
        let dir = TestRun.temporaryDirectory()
        let file = try TestRun.write(Self.small, "small.yaml", in: dir)
        let cases: [([String], Int32, String)] = [
            (["--set", "model.capacity.macro_stress"], 64, "--set model.capacity.macro_stress: expected PATH=VALUE"),
            (["--set", "model.capacity.macro_stress=lots"], 64, "'lots' is not a number"),
            (["--set", "model.capacity.macro_stres=1"], 64, "--set model.capacity.macro_stres=1: 'model' has no field 'capacity.macro_stres'; did you mean 'capacity.macro_stress'?"),
            (["--set", "model.capacity.macro_stress=99"], 64, "--set model.capacity.macro_stress=99: expected a number (multiplier) in [0, 20], found 99"),
            (["--set", "horizon_days=30", "--set", "horizon_days=40"], 64, "--set horizon_days=30: set twice on the command line"),
            (["--set", "strategies.graded.rules[40].every_days=3"], 64, "index [40] is past its end"),
            (["--set", "seed=3"], 64, "set it with --seed"),
        ]
        for (flags, status, expected) in cases {
            let r = try collectsim(["run", file.path, "--out", "never", "--quiet"] + flags, in: dir)
            XCTAssertEqual(r.status, status, "\(flags): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(flags)\nstderr: \(r.stderr)\nexpected: \(expected)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("never").path), "\(flags)")
        }
        let resume = try collectsim(["run", "--resume", "somewhere", "--set", "horizon_days=30"], in: dir)
        XCTAssertEqual(resume.status, 64)
        XCTAssertTrue(resume.stderr.contains("--resume takes the scenario, seed, sizes and --set values from the run folder"), resume.stderr)
    }

    func testExperimentFlagsShrinkTheStudyAndSetChangesItsBaseScenario() throws {
        let dir = TestRun.temporaryDirectory()
        let file = try TestRun.write("""
        name: sweep-overrides
        seed: 3
        horizon_days: 60
        strategies: [graded]
        experiment:
          replications: 5
          population: 20000
          metrics: [recovery_rate]
          sweep:
            factors:
              - path: model.capacity.macro_stress
                values: [0.9, 1.2]
        """, "sweep.yaml", in: dir)
        let r = try collectsim(["sweep", file.path, "--replications", "2", "--population", "1500", "--seed", "11",
                                "--set", "horizon_days=45", "--out", "sweep", "--quiet", "--registry", "r.sqlite"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 evaluations × 1 strategy × 2 replications × 1500 accounts × 45 days"), r.stdout)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("sweep/summary.json"))) as? [String: Any])
        XCTAssertEqual(summary["replications_per_evaluation"] as? Int, 2)
        XCTAssertEqual(summary["population"] as? Int, 1500)
        let resolved = try String(contentsOf: dir.appendingPathComponent("sweep/scenario.resolved.yaml"), encoding: .utf8)
        XCTAssertTrue(resolved.contains("seed: 11"), resolved)
        XCTAssertTrue(resolved.contains("horizon_days: 45"), resolved)

        let factor = try collectsim(["sweep", file.path, "--set", "model.capacity.macro_stress=1.1", "--out", "never", "--quiet"], in: dir)
        XCTAssertEqual(factor.status, 64, factor.stderr)
        XCTAssertTrue(factor.stderr.contains("--set model.capacity.macro_stress=1.1: is a factor of the experiment"), factor.stderr)
        let replications = try collectsim(["sweep", file.path, "--replications", "0", "--out", "never"], in: dir)
        XCTAssertEqual(replications.status, 64, replications.stderr)
        XCTAssertTrue(replications.stderr.contains("--replications must be at least 1"), replications.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("never").path))
    }
}
