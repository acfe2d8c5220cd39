import Foundation
import Registry
import TestSupport
import XCTest

/// Runs the real `collectsim` binary, as a user would.
final class CLITests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func collectsim(_ args: [String], in dir: URL? = nil) throws -> ProcessOutput {
        try TestProcess.run(binary, args, in: dir)
    }

    func write(_ text: String, _ name: String, in dir: URL) throws -> URL { try TestRun.write(text, name, in: dir) }

    func testRunWritesEveryOutputFileWithTheDocumentedColumns() throws {
        let dir = TestRun.temporaryDirectory()
        let scenario = try write("""
        name: cli-small
        seed: 4
        replications: 3
        horizon_days: 60
        population: {size: 3000}
        strategies: [gentle, graded]
        """, "small.yaml", in: dir)
        let out = dir.appendingPathComponent("run")
        let r = try collectsim(["run", scenario.path, "--out", out.path, "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("graded (baseline)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("recovery_rate"), r.stdout)
        func read(_ f: String) throws -> String { try String(contentsOf: out.appendingPathComponent(f), encoding: .utf8) }
        XCTAssertTrue(try read("metrics.csv").hasPrefix("strategy,segment,metric,mean,ci_low,ci_high,n\n"))
        XCTAssertTrue(try read("metrics.csv").contains("\ngentle,all,recovery_rate,"))
        XCTAssertTrue(try read("metrics.csv").contains("\ngraded,grade_A,cure_rate,"))
        XCTAssertTrue(try read("curves.csv").hasPrefix("strategy,curve,day,mean,ci_low,ci_high\n"))
        for curve in ["default", "chargeoff", "cure", "recovery", "complaints"] {
            XCTAssertTrue(try read("curves.csv").contains("\ngentle,\(curve),60,"), curve)
        }
        XCTAssertTrue(try read("comparison.csv").hasPrefix("strategy,baseline,group,metric,diff,ci_low,ci_high,p_value,relative,relative_ci_low,relative_ci_high\n"))
        XCTAssertTrue(try read("comparison.csv").contains("\ngentle,graded,all,complaints_per_1000,"))
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(read("summary.json").utf8)) as? [String: Any])
        XCTAssertEqual(summary["scenario"] as? String, "cli-small")
        XCTAssertEqual(summary["seed"] as? Int, 4)
        XCTAssertEqual(summary["replications"] as? Int, 3)
        XCTAssertEqual((summary["scenario_sha256"] as? String)?.count, 64)
        XCTAssertEqual(summary["strategies"] as? [String], ["gentle", "graded"])
        let headline = try XCTUnwrap(summary["headline"] as? [String: [String: Any]])
        let recovery = try XCTUnwrap(headline["graded"]?["recovery_rate"] as? [String: Any])
        let mean = try XCTUnwrap(recovery["mean"] as? Double), low = try XCTUnwrap(recovery["ci_low"] as? Double)
        XCTAssertTrue(low <= mean && mean > 0 && mean < 1)
        // The resolved scenario validates and reproduces the same run.
        let again = dir.appendingPathComponent("again")
        let r2 = try collectsim(["run", out.appendingPathComponent("scenario.resolved.yaml").path, "--out", again.path, "--threads", "1"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("metrics.csv")), try Data(contentsOf: out.appendingPathComponent("metrics.csv")))
    }

    /// Where results go and which extra files a run writes do not make another scenario: the
    /// hash in summary.json (and the registry) stays; a seed or a model value changes it.
    func testOutputOptionsLeaveTheScenarioHashUnchanged() throws {
        let dir = TestRun.temporaryDirectory()
        let scenario = try write("name: hash-me\nreplications: 2\nhorizon_days: 30\npopulation: {size: 500}\nstrategies: [graded]\n", "h.yaml", in: dir)
        func hash(_ folder: String, _ flags: [String]) throws -> String {
            let r = try collectsim(["run", scenario.path, "--out", dir.appendingPathComponent(folder).path, "--quiet"] + flags, in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(folder).appendingPathComponent("summary.json"))) as? [String: Any]
            return try XCTUnwrap(summary?["scenario_sha256"] as? String)
        }
        let plain = try hash("plain", [])
        XCTAssertEqual(try hash("exports", ["--export-accounts", "--export-history"]), plain)
        XCTAssertNotEqual(try hash("seeded", ["--seed", "8"]), plain)
        XCTAssertNotEqual(try hash("stressed", ["--set", "model.capacity.macro_stress=1.2"]), plain)
    }

    func testBadScenarioExitsNonZeroNamesTheSpotAndWritesNothing() throws {
        let dir = TestRun.temporaryDirectory()
        let cases: [(String, String)] = [
            ("name: x\npopulation:\n  delinquent_share: 2\n", "bad.yaml:3:21: error: field 'population.delinquent_share': expected a probability in [0, 1], found 2"),
            ("name: x\nstratgies: [gentle]\n", "bad.yaml:2:1: error: field 'stratgies': unknown key 'stratgies'; did you mean 'strategies'?"),
            ("name: x\nstrategies: [gentle]\nbaseline: strict\n", "bad.yaml:3:11: error: field 'baseline': unknown baseline strategy 'strict'"),
            ("name: [x\n", "bad.yaml:2:1: error: YAML syntax"),
        ]
        for (yaml, expected) in cases {
            _ = try write(yaml, "bad.yaml", in: dir)
            let out = dir.appendingPathComponent("never")
            let r = try collectsim(["run", "bad.yaml", "--out", out.path], in: dir)
            XCTAssertNotEqual(r.status, 0, yaml)
            XCTAssertTrue(r.stderr.contains(expected), "stderr: \(r.stderr)\nexpected: \(expected)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no output folder after bad input")
            let v = try collectsim(["validate", "bad.yaml"], in: dir)
            XCTAssertNotEqual(v.status, 0)
            XCTAssertTrue(v.stderr.contains(expected), v.stderr)
        }
    }

    func testValidateStrategiesSchemaAndParameters() throws {
        let dir = TestRun.temporaryDirectory()
        let ok = try write("name: fine\nstrategies: [gentle, strict]\n", "ok.yaml", in: dir)
        let v = try collectsim(["validate", ok.path])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.contains("OK"))
        let s = try collectsim(["strategies"])
        XCTAssertEqual(s.status, 0)
        for name in ["gentle", "strict", "graded", "personalized"] { XCTAssertTrue(s.stdout.contains("\(name)\n"), name) }
        let schema = try collectsim(["schema"])
        XCTAssertEqual(schema.status, 0)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(schema.stdout.utf8)))
        let params = try collectsim(["parameters"])
        XCTAssertTrue(params.stdout.contains("payment.excitation_decay"))
    }

    func testScenarioNamesAndOutputFoldersCannotEscapeTheOutputDirectory() throws {
        let dir = TestRun.temporaryDirectory()
        let evil = try write("""
        name: "../../escaped/../x"
        replications: 1
        horizon_days: 10
        population: {size: 500}
        strategies: [gentle]
        """, "evil.yaml", in: dir)
        let r = try collectsim(["run", evil.path, "--quiet"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let made = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("notebooks-out").path)
        XCTAssertEqual(made.count, 1, "\(made)")
        XCTAssertFalse(made[0].contains("/") || made[0].contains(".."), made[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escaped").path))
        let climbing = try write("name: x\noutput: {dir: ../outside}\n", "climb.yaml", in: dir)
        let refused = try collectsim(["run", climbing.path], in: dir)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("field 'output.dir'"), refused.stderr)
    }

    /// One registry per user, whatever the current folder: re-running a run's saved scenario
    /// from inside its folder (as the report's "reproduce" line says) records into the same
    /// registry and leaves no second one in the folder.
    func testTheDefaultRegistryIsTheUsersWhateverTheCurrentFolder() throws {
        let dir = TestRun.temporaryDirectory()
        let data = dir.appendingPathComponent("data")
        let scenario = try write("name: here\nreplications: 2\nhorizon_days: 30\npopulation: {size: 500}\nstrategies: [graded]\n", "here.yaml", in: dir)
        let env = ["XDG_DATA_HOME": data.path, "COLLECTSIM_REGISTRY": ""]
        XCTAssertEqual(try TestProcess.run(binary, ["run", scenario.path, "--out", "first", "--quiet"], in: dir, environment: env).status, 0)
        let first = dir.appendingPathComponent("first")
        let again = try TestProcess.run(binary, ["run", "scenario.resolved.yaml", "--out", "again", "--quiet"], in: first, environment: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        let registry = data.appendingPathComponent("collectsim/runs.sqlite").path
        XCTAssertEqual(try RunRegistry(path: registry).runs().count, 2)
        for folder in [dir, first, first.appendingPathComponent("again")] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            XCTAssertFalse(names.contains { $0.hasPrefix("runs.sqlite") } || names.contains("notebooks-out"), "\(folder.path): \(names)")
        }
        // Without XDG_DATA_HOME (or with a relative one, which the spec says to ignore), ~/.local/share.
        XCTAssertEqual(RunRegistry.defaultPath(environment: ["HOME": "/home/u", "XDG_DATA_HOME": "rel"]), "/home/u/.local/share/collectsim/runs.sqlite")
        XCTAssertEqual(RunRegistry.defaultPath(environment: ["HOME": "/home/u", "COLLECTSIM_REGISTRY": "/r.sqlite"]), "/r.sqlite")
    }

    func testConcurrentRunsAllLandInTheRegistry() throws {
        let dir = TestRun.temporaryDirectory()
        let scenario = try write("name: concurrent\nreplications: 2\nhorizon_days: 30\npopulation: {size: 2000}\nstrategies: [gentle, strict]\n",
                                 "c.yaml", in: dir)
        let registry = dir.appendingPathComponent("runs.sqlite").path
        let processes = try (0..<6).map { i -> Process in
            let p = Process()
            p.executableURL = binary
            p.arguments = ["run", scenario.path, "--out", dir.appendingPathComponent("run\(i)").path, "--seed", "\(i)",
                           "--quiet", "--registry", registry]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in processes { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        let reg = try RunRegistry(path: registry)
        XCTAssertEqual(try reg.runs().map(\.seed).sorted(), ["0", "1", "2", "3", "4", "5"])
        XCTAssertEqual(try reg.integrityCheck(), "ok")
        for run in try reg.runs() { XCTAssertGreaterThan(try reg.metrics(run.id).count, 40) }
        let list = try collectsim(["runs", "list", "--registry", registry])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(list.stdout.components(separatedBy: "concurrent [").count - 1, 6, list.stdout)
        let diff = try collectsim(["runs", "diff", "1", "2", "--registry", registry, "--all"])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("recovery_rate"), diff.stdout)
        // What changed in the scenario comes first: the runs differ only in their seeds.
        let runs = try reg.runs()
        let seeds = (runs.first { $0.id == 1 }!.seed, runs.first { $0.id == 2 }!.seed)
        XCTAssertTrue(diff.stdout.hasPrefix("Scenario: changed"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("\n- seed: \(seeds.0)\n+ seed: \(seeds.1)\n"), diff.stdout)
        XCTAssertEqual(diff.stdout.components(separatedBy: "\n- ").count - 1, 1, "only the seed line changed: \(diff.stdout)")
        let show = try collectsim(["runs", "show", "3", "--registry", registry])
        XCTAssertTrue(show.stdout.contains("run #3 — concurrent"), show.stdout)
        XCTAssertNotEqual(try collectsim(["runs", "show", "99", "--registry", registry]).status, 0)
    }
}
