import Foundation
import Analysis
import CollectionsModel
import Registry
import Reports
import Scenario
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
        let registry = dir.appendingPathComponent("runs.sqlite")
        let r = try collectsim(["run", scenario.path, "--out", out.path, "--threads", "2", "--registry", registry.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The whole terminal output: the table is the library's for the same scenario (the same
        // bytes at any thread count); only the timing line varies between runs.
        let result = try TestRun.run(try String(contentsOf: scenario, encoding: .utf8), threads: 1)
        let analysis = Analyzer.analyze(result)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let timing = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Simulated 1.08e+06 borrower-days in ") }, r.stdout)
        XCTAssertTrue(lines[timing].hasSuffix(" million/s on 2 threads)."), String(lines[timing]))
        let expected = """
        CollectSim \(RunWriter.version) — scenario 'cli-small', seed 4, 3 replications × 3000 accounts × 60 days

        \(RunWriter.table(analysis))
        TIMING
        Random draws: \(String(format: "%.4f", result.randomDraws / result.borrowerDays)) per borrower-day, population set-up included.
        Results written to \(out.path) (run #1 in the registry)

        """
        var got = lines
        got[timing] = "TIMING"
        XCTAssertEqual(got.joined(separator: "\n"), expected)
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
        // The whole of what each command prints: one line naming the file, line, column and
        // field, and nothing on stdout.
        let cases: [(String, String)] = [
            ("name: x\npopulation:\n  delinquent_share: 2\n", "bad.yaml:3:21: error: field 'population.delinquent_share': expected a probability in [0, 1], found 2"),
            ("name: x\nstratgies: [gentle]\n", "bad.yaml:2:1: error: field 'stratgies': unknown key 'stratgies'; did you mean 'strategies'? "
                + "(allowed: name, description, seed, replications, precision, horizon_days, calendar, population, model, compliance, strategies, baseline, output, verdict, experiment)"),
            ("name: x\nstrategies: [gentle]\nbaseline: strict\n", "bad.yaml:3:11: error: field 'baseline': unknown baseline strategy 'strict' (the scenario's strategies: gentle)"),
            ("name: [x\n", "bad.yaml:2:1: error: YAML syntax: while parsing a flow sequence did not find expected ',' or ']'"),
        ]
        for (yaml, expected) in cases {
            _ = try write(yaml, "bad.yaml", in: dir)
            let out = dir.appendingPathComponent("never")
            let r = try collectsim(["run", "bad.yaml", "--out", out.path], in: dir)
            XCTAssertEqual(r.status, 65, yaml)
            XCTAssertEqual(r.stderr, expected + "\n")
            XCTAssertEqual(r.stdout, "")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no output folder after bad input")
            let v = try collectsim(["validate", "bad.yaml"], in: dir)
            XCTAssertEqual(v.status, 65)
            XCTAssertEqual(v.stderr, expected + "\n")
            XCTAssertEqual(v.stdout, "")
        }
    }

    func testValidateStrategiesSchemaAndParameters() throws {
        let dir = TestRun.temporaryDirectory()
        let ok = try write("name: fine\nstrategies: [gentle, strict]\n", "ok.yaml", in: dir)
        let v = try collectsim(["validate", ok.path])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertEqual(v.stdout, "\(ok.path): OK — 'fine': 2 strategies (gentle, strict), baseline gentle, 8 replications × 100000 accounts × 360 days\n")
        let s = try collectsim(["strategies"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(s.stdout, ScenarioLoader.builtinStrategies().map { "\($0.name)\n  \($0.description)\n\n" }.joined())
        XCTAssertEqual(ScenarioLoader.builtinStrategies().map(\.name).prefix(4), ["gentle", "strict", "graded", "personalized"])
        let withRules = try collectsim(["strategies", "--rules"])
        XCTAssertEqual(withRules.stdout, ScenarioLoader.builtinStrategies().map {
            "\($0.name)\n  \($0.description)\n" + ScenarioWriter.rules($0.rules, indent: "    ") + "\n"
        }.joined())
        let schema = try collectsim(["schema"])
        XCTAssertEqual(schema.status, 0, schema.stderr)
        XCTAssertEqual(schema.stdout, ScenarioSchema.json() + "\n")
        // docs/parameters.md says it is generated by this command: it must be what the command prints.
        let params = try collectsim(["parameters", "--markdown"])
        XCTAssertEqual(params.status, 0, params.stderr)
        let page = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/parameters.md"), encoding: .utf8)
        XCTAssertEqual(params.stdout, page, "docs/parameters.md is stale: regenerate it with collectsim parameters --markdown")
        let plain = try collectsim(["parameters"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.stdout, ParameterCatalog.all.map { "\($0.key) = \($0.defaultValue)  [\($0.unit)]  \($0.meaning)\n" }.joined())
        XCTAssertTrue(plain.stdout.hasPrefix("payment.base_hazard.A = 1.2  [1/day]  "), String(plain.stdout.prefix(80)))
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

/// Every command and subcommand answers `--help` with its overview — the sentence the parent's
/// list gives it — its usage line and its options, and `help CMD` prints the same.
final class CommandHelpTests: XCTestCase {
    func collectsim(_ args: [String]) throws -> ProcessOutput { try TestProcess.run(TestRun.collectsimBinary, args) }

    /// The SUBCOMMANDS section of a help text: (name, its one-sentence abstract).
    func subcommands(in help: String) -> [(String, String)] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
        var found: [(String, String)] = []
        for line in section.components(separatedBy: "\n") {
            if line.hasPrefix("  See ") || line.isEmpty { continue }
            if line.hasPrefix("  ") && !line.hasPrefix("    ") {
                let parts = line.dropFirst(2).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                let name = String(parts[0])
                let abstract = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "(default)", with: "") : ""
                found.append((name, abstract))
            } else if let last = found.indices.last {
                found[last].1 += " " + line
            }
        }
        return found.map { ($0.0, Self.words($0.1)) }
    }

    static func words(_ s: String) -> String { s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }

    func testEveryCommandAnswersHelpWithItsOverviewUsageAndOptions() throws {
        let top = try collectsim(["--help"])
        XCTAssertEqual(top.status, 0, top.stderr)
        var queue = subcommands(in: top.stdout).map { ([$0.0], $0.1) }
        XCTAssertEqual(queue.map { $0.0[0] }, ["run", "sweep", "sensitivity", "optimize", "calibrate", "observe", "backtest", "merge",
                                              "slurm", "portfolio", "report", "runs", "validate", "strategies", "schema", "parameters"])
        var checked = 0
        while !queue.isEmpty {
            let (path, abstract) = queue.removeFirst()
            let help = try collectsim(path + ["--help"])
            XCTAssertEqual(help.status, 0, "\(path): \(help.stderr)")
            XCTAssertEqual(help.stderr, "", path.joined(separator: " "))
            let overview = help.stdout.components(separatedBy: "\n\n")[0]
            XCTAssertTrue(overview.hasPrefix("OVERVIEW: "), "\(path): \(overview)")
            XCTAssertTrue(Self.words(String(overview.dropFirst(10))).hasPrefix(abstract), "\(path): '\(overview)' against '\(abstract)'")
            XCTAssertTrue(help.stdout.contains("\nUSAGE: collectsim \(path.joined(separator: " "))"), "\(path)")
            XCTAssertTrue(help.stdout.contains("\n  -h, --help              Show help information.\n"), "\(path)")
            let viaHelp = try collectsim(["help"] + path)
            XCTAssertEqual(viaHelp.stdout, help.stdout, "collectsim help \(path.joined(separator: " "))")
            queue += subcommands(in: help.stdout).map { (path + [$0.0], $0.1) }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 22)
    }
}
