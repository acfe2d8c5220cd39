import Analysis
import Foundation
import Registry
import Experiments
import Reports
import TestSupport
import XCTest

/// The experiment commands as a researcher runs them: outputs, stop and resume, the registry,
/// and the indices checked against SALib on the same sample matrix.
final class ExperimentCommandTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func write(_ text: String, in dir: URL, name: String = "s.yaml") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let sweepScenario = """
    name: sweep-me
    seed: 3
    horizon_days: 90
    strategies: [graded, strict]
    experiment:
      replications: 3
      population: 4000
      metrics: [recovery_rate, complaints_per_1000]
      sweep:
        factors:
          - path: strategies.graded.rules[2].every_days
            values: [2, 5, 9]
          - path: model.capacity.macro_stress
            range: [0.8, 1.4]
            steps: 3
    """

    func run(_ args: [String], in dir: URL) throws -> ProcessOutput {
        try TestProcess.run(binary, args, in: dir, environment: TestProcess.reproducibleDate)
    }

    /// A strategy no factor touches gives the same replications at every point; its "best
    /// point" would be the first of tied points, so the sweep says the factors do not affect it.
    func testASweepSaysWhenTheFactorsDoNotAffectAStrategy() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("""
        name: untouched
        seed: 4
        horizon_days: 60
        strategies: [graded, strict]
        experiment:
          replications: 2
          population: 1500
          metrics: [recovery_rate]
          sweep:
            factors:
              - path: strategies.graded.rules[2].every_days
                values: [2, 9]
        """, in: dir)
        let r = try run(["sweep", s.path, "--out", "out", "--quiet", "--registry", "r.sqlite"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("recovery_rate · strict:") && r.stdout.contains("the same at every point: the factors do not affect this strategy"), r.stdout)
        XCTAssertTrue(r.stdout.contains("recovery_rate · graded: highest"), r.stdout)
        XCTAssertFalse(r.stdout.contains("recovery_rate · strict: highest"), r.stdout)
        let md = try String(contentsOf: dir.appendingPathComponent("out/report.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("the factors do not affect this strategy"), md)
    }

    func testSweepWritesEveryPointStrategyAndMetricWithCIs() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write(Self.sweepScenario, in: dir)
        let out = dir.appendingPathComponent("sweep")
        let r = try run(["sweep", s.path, "--out", out.path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Budget: 9 evaluations × 2 strategies × 3 replications × 4000 accounts × 90 days"), r.stdout)
        let csv = try String(contentsOf: out.appendingPathComponent("sweep.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv[0], "point,strategies.graded.rules[2].every_days,model.capacity.macro_stress,strategy,metric,mean,ci_low,ci_high,n")
        let metricCount = Set(csv.dropFirst().map { $0.split(separator: ",")[4] }).count
        XCTAssertEqual(csv.count - 1, 9 * 2 * metricCount)
        for row in csv.dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            guard let mean = Double(f[5]), let low = Double(f[6]), let high = Double(f[7]) else { continue }
            XCTAssertTrue(low <= mean && mean <= high, String(row))
            XCTAssertEqual(f[8], "3")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg viewBox").count - 1, 2 * 2, "one chart per metric and factor")
        XCTAssertFalse(html.contains("<script"))
        let registry = try RunRegistry(path: dir.appendingPathComponent("r.sqlite").path)
        let recorded = try registry.experiments()
        XCTAssertEqual(recorded.map(\.kind), ["sweep"])
        XCTAssertEqual(try registry.experiment(recorded[0].id)?.rows.count, 9 * 2 * 2)
        let list = try run(["runs", "list", "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertTrue(list.stdout.contains("sweep of sweep-me"), list.stdout)
    }

    /// Runs an experiment to the end, and again stopped by SIGINT after `after` evaluations and
    /// resumed at another thread count; every output must be the same bytes.
    func assertStopAndResumeGiveTheSameBytes(_ kind: String, scenario: String, after: Int, outputs: [String], extra: [String] = [],
                                             in given: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = given ?? TestRun.temporaryDirectory()
        let s = try write(scenario, in: dir)
        let full = dir.appendingPathComponent("full")
        let whole = try run([kind, s.path, "--out", full.path, "--threads", "2"] + extra, in: dir)
        XCTAssertEqual(whole.status, 0, whole.stderr, file: file, line: line)

        let stopped = dir.appendingPathComponent("stopped")
        let p = Process()
        p.executableURL = binary
        p.arguments = [kind, s.path, "--out", stopped.path, "--threads", "1", "--quiet"] + extra
        p.environment = TestProcess.environment(TestProcess.reproducibleDate)
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let marker = stopped.appendingPathComponent(String(format: "evaluations/%06d.json", after - 1))
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker.path) && p.isRunning && Date() < deadline { usleep(10_000) }
        kill(p.processIdentifier, SIGINT)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 128 + SIGINT, message, file: file, line: line)
        XCTAssertTrue(message.contains("collectsim \(kind) --resume"), message, file: file, line: line)
        let partial = try FolderSummary.read(Data(contentsOf: stopped.appendingPathComponent("summary.json")))
        XCTAssertTrue(partial.partial, file: file, line: line)
        XCTAssertEqual(partial.kind, kind, file: file, line: line)
        // `report` rebuilds the stopped experiment's outputs from the evaluations it holds, to
        // the same bytes, and runs none of those it lacks.
        let stoppedFiles = outputs + ["report.html", "report.md", "analysis.ipynb", "summary.json"]
        let written = try stoppedFiles.map { try? Data(contentsOf: stopped.appendingPathComponent($0)) }
        let held = try FileManager.default.contentsOfDirectory(atPath: stopped.appendingPathComponent("evaluations").path).sorted()
        let rebuilt = try run(["report", stopped.path], in: dir)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr, file: file, line: line)
        XCTAssertTrue(rebuilt.stdout.contains("(partial)"), rebuilt.stdout, file: file, line: line)
        for (name, data) in zip(stoppedFiles, written) {
            XCTAssertEqual(try? Data(contentsOf: stopped.appendingPathComponent(name)), data, "\(kind): stopped \(name)", file: file, line: line)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stopped.appendingPathComponent("evaluations").path).sorted(), held,
                       file: file, line: line)

        let resumed = try run([kind, "--resume", stopped.path, "--threads", "3"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr, file: file, line: line)
        for name in outputs + ["report.html", "report.md", "analysis.ipynb", "summary.json", "scenario.resolved.yaml", "evaluations.jsonl"] {
            XCTAssertEqual(try Data(contentsOf: full.appendingPathComponent(name)), try Data(contentsOf: stopped.appendingPathComponent(name)),
                           "\(kind): \(name)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: stopped.appendingPathComponent("evaluations").path), file: file, line: line)
        let again = try run([kind, "--resume", stopped.path], in: dir)
        XCTAssertTrue(again.stdout.contains("already complete"), again.stdout, file: file, line: line)
    }

    func testAStoppedSweepResumesToTheUninterruptedBytesAtAnyThreadCount() throws {
        try assertStopAndResumeGiveTheSameBytes("sweep", scenario: Self.sweepScenario, after: 3, outputs: ["sweep.csv"])
    }

    static let optimizeScenario = """
    name: optimize-me
    seed: 5
    horizon_days: 90
    strategies: [graded]
    experiment:
      replications: 3
      population: 3000
      metrics: [recovery_rate]
      optimize:
        strategy: graded
        objective: net_recovery_rate
        max_evaluations: 14
        constraints: [{metric: complaints_per_1000, max: 10}]
        frontier: {against: complaints_per_1000, points: 2}
        factors:
          - {path: "strategies.graded.rules[2].do[1].every_days", range: [1, 14]}
          - {path: "strategies.graded.rules[3].do[2].installments", range: [2, 12]}
    """

    func testAStoppedSearchReplaysItsEvaluationsAndEndsWithTheSameBytes() throws {
        try assertStopAndResumeGiveTheSameBytes("optimize", scenario: Self.optimizeScenario, after: 6,
                                                outputs: ["optimize.csv", "frontier.csv", "optimized.yaml"])
    }

    func testTheOptimizedScenarioRunsWithTheBestParametersAndMeetsTheCap() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write(Self.optimizeScenario, in: dir)
        let out = dir.appendingPathComponent("opt")
        let r = try run(["optimize", s.path, "--out", out.path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Budget: \(14 + 2 * 8 + 2) evaluations"), r.stdout)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["feasible"] as? Bool, true)
        let best = summary["best"] as! [String: Double]
        // The best candidate is a row of optimize.csv that meets the cap and has the highest objective among those that do.
        let rows = try String(contentsOf: out.appendingPathComponent("optimize.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        let objective = header.firstIndex(of: "net_recovery_rate")!, complaints = header.firstIndex(of: "complaints_per_1000")!
        let feasible = rows.dropFirst().filter { Double($0[complaints])! <= 10 }
        let top = feasible.max { Double($0[objective])! < Double($1[objective])! }!
        XCTAssertEqual(top.last, "true", "the best row is marked best")
        XCTAssertEqual(Double(top[2]), best["strategies.graded.rules[2].do[1].every_days"])
        // optimized.yaml is a scenario with those values, and it runs.
        let optimized = out.appendingPathComponent("optimized.yaml")
        let resolved = try run(["validate", "--resolved", optimized.path], in: dir)
        XCTAssertEqual(resolved.status, 0, resolved.stderr)
        XCTAssertFalse(resolved.stdout.contains("experiment:"))
        let cadence = Int(best["strategies.graded.rules[2].do[1].every_days"]!)
        XCTAssertTrue(resolved.stdout.contains("{action: call, every_days: \(cadence), slot: evening, tone: gentle}"), resolved.stdout)
        let ran = try run(["run", optimized.path, "--replications", "1", "--population", "500", "--out", dir.appendingPathComponent("rerun").path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(ran.status, 0, ran.stderr)
        XCTAssertTrue(r.stdout.contains("Improvement in net_recovery_rate"), r.stdout)
        // The original strategy stays beside its tuned copy, so a run compares the two.
        XCTAssertTrue(resolved.stdout.contains("\n  \"graded\":\n") && resolved.stdout.contains("\n  \"graded_tuned\":\n"), resolved.stdout)
        XCTAssertEqual(summary["tuned_strategy"] as? String, "graded_tuned")
        // The verdict follows the paired CI of the gain.
        let gain = try XCTUnwrap(summary["improvement"] as? [String: Any])
        let low = try XCTUnwrap(gain["ci_low"] as? Double), verdict = try XCTUnwrap(gain["verdict"] as? String)
        XCTAssertEqual(verdict == "better", low > 0, "\(gain)")
        XCTAssertEqual(r.stdout.contains("Not significant"), verdict == "not_significant", r.stdout)
    }

    /// A factor that cannot change the objective (a rule for 180+ DPD on a current book over
    /// 30 days) yields no gain: the search must say so plainly, not recommend its best point.
    func testAGainWhoseIntervalIncludesZeroIsCalledNotSignificant() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("""
        name: no-gain
        seed: 2
        horizon_days: 30
        population: {delinquent_share: 0}
        strategies: [graded]
        experiment:
          replications: 2
          population: 800
          optimize:
            strategy: graded
            objective: recovery_rate
            max_evaluations: 6
            factors:
              - {path: "strategies.graded.rules[5].do[0].every_days", range: [1, 30]}
        """, in: dir)
        let out = dir.appendingPathComponent("opt")
        let r = try run(["optimize", s.path, "--out", out.path, "--quiet", "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Not significant: on fresh replications the 95% CI of the gain in recovery_rate includes zero"), r.stdout)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        XCTAssertEqual((summary["improvement"] as? [String: Any])?["verdict"] as? String, "not_significant")
        let yaml = try String(contentsOf: out.appendingPathComponent("optimized.yaml"), encoding: .utf8)
        XCTAssertTrue(yaml.hasPrefix("# Written by collectsim optimize.") && yaml.contains("# Not significant:"), yaml)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("**Not significant:"), md)
    }

    /// "Observed" aggregates made by the model itself at known parameters (another seed, more
    /// accounts): the calibration must find those parameters within its standard errors.
    func observedPortfolio(in dir: URL) throws -> URL {
        let truth = try write("""
        name: truth
        seed: 777
        replications: 6
        horizon_days: 120
        population: {size: 30000}
        strategies: [graded]
        model:
          capacity: {macro_stress: 1.5}
          tone: {firm: {complaint: 6.0}}
        """, in: dir, name: "truth.yaml")
        let out = dir.appendingPathComponent("truth")
        let r = try run(["run", truth.path, "--out", out.path, "--quiet", "--registry", dir.appendingPathComponent("t.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        func rows(_ name: String) throws -> [[String: String]] {
            let lines = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
        }
        // The standard error of a mean over 6 replications from its 95% t interval (t₅ = 2.571).
        func se(_ r: [String: String]) -> Double { (Double(r["ci_high"]!)! - Double(r["ci_low"]!)!) / 2 / 2.571 }
        var text = "kind,name,period,value,std_error\n"
        for (curve, day) in [("recovery", "120"), ("default", "120")] {
            let r = try rows("curves.csv").first { $0["curve"] == curve && $0["day"] == day }!
            text += "curve,\(curve),\(day),\(r["mean"]!),\(se(r))\n"
        }
        for metric in ["complaints_per_1000", "cure_rate"] {
            let r = try rows("metrics.csv").first { $0["metric"] == metric && $0["segment"] == "all" }!
            text += "metric,\(metric),,\(r["mean"]!),\(se(r))\n"
        }
        for (month, from, to) in [("1", "1-29", "30-59"), ("2", "30-59", "60-89"), ("3", "60-89", "90-179")] {
            let r = try rows("rollrates.csv").first { $0["month"] == month && $0["from"] == from && $0["to"] == to }!
            text += "roll,\(from)>\(to),\(month),\(r["mean"]!),\(se(r))\n"
        }
        return try write(text, in: dir, name: "observed.csv")
    }

    static let calibrateScenario = """
    name: fit-me
    horizon_days: 120
    strategies: [graded]
    experiment:
      replications: 4
      population: 20000
      calibrate:
        strategy: graded
        max_evaluations: 80
        factors:
          - {path: model.capacity.macro_stress, range: [0.7, 1.8], start: 1.0}
          - {path: model.tone.firm.complaint, range: [1, 8], start: 1.5}
    """

    func testCalibrationRecoversKnownParametersWithinTheirErrors() throws {
        let dir = TestRun.temporaryDirectory()
        let observed = try observedPortfolio(in: dir)
        let s = try write(Self.calibrateScenario, in: dir)
        let out = dir.appendingPathComponent("fit")
        let r = try run(["calibrate", s.path, "--observed", observed.path, "--out", out.path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOf: out.appendingPathComponent("calibration.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let truth = ["model.capacity.macro_stress": 1.5, "model.tone.firm.complaint": 6.0]
        XCTAssertEqual(rows.count, 2)
        for row in rows {
            let estimate = Double(row[2])!, se = Double(row[3])!, start = Double(row[1])!, value = truth[row[0]]!
            // Within 3 standard errors (a 0.3% miss for a correct fit), and the errors are tight
            // enough that the start, far off, would fail the same check. (The truth is 1.5 and 6, not
            // 1.25 and 4: the honest errors at 120 days, about 0.1 and 0.9 there, are wider than
            // (JᵀJ)⁻¹ made them, and complaints are rarer in the calibrated book.)
            XCTAssertEqual(estimate, value, accuracy: 3 * se, "\(row[0]): \(estimate) ± \(se), truth \(value)")
            XCTAssertGreaterThan(abs(start - value), 3 * se, "\(row[0]): the check must be able to fail")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        XCTAssertGreaterThan(summary["p_value"] as! Double, 0.001, "the fitted model is consistent with the data")
        let residuals = try String(contentsOf: out.appendingPathComponent("residuals.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(residuals.count, 1 + 7)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("fitted.yaml").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("observed.csv").path))
    }

    func testAStoppedCalibrationResumesFromItsOwnCopyOfTheObservedFile() throws {
        let dir = TestRun.temporaryDirectory()
        let observed = try observedPortfolio(in: dir)
        try assertStopAndResumeGiveTheSameBytes("calibrate", scenario: Self.calibrateScenario.replacingOccurrences(of: "population: 20000", with: "population: 4000"),
                                                after: 4, outputs: ["calibration.csv", "residuals.csv", "fitted.yaml", "observed.csv"],
                                                extra: ["--observed", observed.path], in: dir)
    }

    func testAScenarioWithoutTheExperimentIsAClearError() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("name: plain\n", in: dir)
        let r = try run(["sweep", s.path, "--out", dir.appendingPathComponent("x").path], in: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("field 'experiment.sweep': the scenario declares no sweep experiment"), r.stderr)
        let bad = try write(Self.sweepScenario.replacingOccurrences(of: "[recovery_rate, complaints_per_1000]", with: "[recovery_rte]"), in: dir, name: "bad.yaml")
        let m = try run(["sweep", bad.path], in: dir)
        XCTAssertEqual(m.status, 65)
        XCTAssertTrue(m.stderr.contains("bad.yaml:8:13: error: field 'experiment.metrics[0]': unknown metric 'recovery_rte'; did you mean 'recovery_rate'?"), m.stderr)
        // A bad observed file is refused before any folder is made.
        let c = try write(Self.calibrateScenario, in: dir, name: "c.yaml")
        let obs = try write("kind,name,period,value,std_error\nmetric,recovery_rat,,0.3,0.01\n", in: dir, name: "obs.csv")
        let folder = dir.appendingPathComponent("never")
        let o = try run(["calibrate", c.path, "--observed", obs.path, "--out", folder.path], in: dir)
        XCTAssertEqual(o.status, 65)
        XCTAssertTrue(o.stderr.contains("obs.csv:2:1: error: field 'name': unknown metric 'recovery_rat'; did you mean 'recovery_rate'?"), o.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }

    func testSensitivityIndicesAgreeWithSALibOnTheSameSampleMatrix() throws {
        try TestProcess.ensurePythonPackages(["SALib", "numpy"])
        let dir = TestRun.temporaryDirectory()
        let s = try write("""
        name: sense
        seed: 8
        horizon_days: 90
        strategies: [graded]
        experiment:
          replications: 1
          population: 1500
          metrics: [recovery_rate, default_rate]
          sensitivity:
            samples: 16
            bootstrap: 2000
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.5]}
              - {path: model.action.call.jump, range: [0.02, 0.08]}
              - {path: "strategies.graded.rules[3].every_days", range: [2, 10]}
        """, in: dir)
        let out = dir.appendingPathComponent("sense")
        let r = try run(["sensitivity", s.path, "--out", out.path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Budget: 80 evaluations"), r.stdout)
        // One replication per point: the noise cannot be estimated, the intervals are SALib's.
        XCTAssertTrue(r.stdout.contains("warning: simulation noise not estimated: it needs at least 2 replications per point"), r.stdout)
        let script = """
        import csv, json, sys
        import numpy as np
        from SALib.analyze import sobol
        rows = list(csv.DictReader(open(sys.argv[1])))
        factors = [k for k in rows[0] if k != 'row' and ':' not in k]
        out = {}
        for column in [k for k in rows[0] if ':' in k]:
            y = np.array([float(r[column]) for r in rows])
            problem = {'num_vars': len(factors), 'names': factors, 'bounds': [[0, 1]] * len(factors)}
            si = sobol.analyze(problem, y, calc_second_order=False, num_resamples=2000, conf_level=0.95, seed=1)
            out[column] = {k: [float(v) for v in si[k]] for k in ['S1', 'ST', 'S1_conf', 'ST_conf']}
        print(json.dumps(out))
        """
        let py = try write(script, in: dir, name: "salib.py")
        let salib = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", py.path, out.appendingPathComponent("samples.csv").path])
        XCTAssertEqual(salib.status, 0, salib.stderr)
        let expected = try JSONSerialization.jsonObject(with: Data(salib.stdout.utf8)) as! [String: [String: [Double]]]
        let ours = try String(contentsOf: out.appendingPathComponent("sensitivity.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(ours.count, 2 * 3)
        for (i, line) in ours.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let key = "\(f[0]):\(f[1])", factor = i % 3
            guard let s = expected[key] else { XCTFail("SALib has no \(key)"); continue }
            let s1 = Double(f[3])!, s1Half = (Double(f[5])! - Double(f[4])!) / 2
            let st = Double(f[6])!, stHalf = (Double(f[8])! - Double(f[7])!) / 2
            // The estimators are the same arithmetic on the same outputs.
            XCTAssertEqual(s1, s.value("S1", factor), accuracy: 1e-9, "\(key) S1 \(f[2])")
            XCTAssertEqual(st, s.value("ST", factor), accuracy: 1e-9, "\(key) ST \(f[2])")
            // The bootstrap intervals use other resamples: with 2,000 of them each half-width is
            // known to about 1.6%, so two estimates differ by well under 15%.
            XCTAssertEqual(s1Half / s.value("S1_conf", factor), 1, accuracy: 0.15, "\(key) S1 interval \(f[2])")
            XCTAssertEqual(stHalf / s.value("ST_conf", factor), 1, accuracy: 0.15, "\(key) ST interval \(f[2])")
            XCTAssertEqual(Array(f[10...]), ["", "false", "false"], "no noise share, nothing flagged")
        }
    }

    func testSensitivityStatesEachMetricsSimulationNoiseAndFlagsTheIndicesItCouldExplain() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("""
        name: noisy
        seed: 8
        horizon_days: 90
        strategies: [graded]
        experiment:
          replications: 2
          population: 2000
          metrics: [recovery_rate, complaints_per_1000]
          sensitivity:
            samples: 8
            bootstrap: 200
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.5]}
              - {path: model.complaint.propensity_median, range: [0.75e-6, 3.0e-6]}
        """, in: dir)
        let out = dir.appendingPathComponent("noisy")
        let r = try run(["sensitivity", s.path, "--out", out.path, "--registry", dir.appendingPathComponent("r.sqlite").path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOf: out.appendingPathComponent("sensitivity.csv"), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        XCTAssertEqual(rows[0].suffix(3), ["noise_share", "S1_within_noise", "ST_within_noise"])
        var shares: [String: Double] = [:]
        for f in rows.dropFirst() {
            let share = try XCTUnwrap(Double(f[10]), "noise share of \(f[1])")
            XCTAssertGreaterThanOrEqual(share, 0)
            XCTAssertEqual(shares[f[1], default: share], share, "one noise share per metric")
            shares[f[1]] = share
            // A flag says exactly whether the interval's lower end reaches the noise share.
            XCTAssertEqual(f[11] == "true", Double(f[4])! <= share, "S1 \(f[1]) \(f[2])")
            XCTAssertEqual(f[12] == "true", Double(f[7])! <= share, "ST \(f[1]) \(f[2])")
        }
        XCTAssertEqual(shares.count, 2)
        // 2,000 accounts over 90 days see a handful of complaints: the noise is most of their
        // variance, and every place the indices are read says so.
        let complaints = try XCTUnwrap(shares["complaints_per_1000"])
        XCTAssertGreaterThanOrEqual(complaints, SobolIndices.noisyShare)
        let warning = "simulation noise is \(SensitivityExperiment.percent(complaints)) of the variance of complaints_per_1000 under graded"
        XCTAssertTrue(r.stdout.contains("warning: " + warning), r.stdout)
        let markdown = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("**Warning:** " + warning.replacingOccurrences(of: "_", with: "\\_")), markdown)
        XCTAssertTrue(markdown.contains("| Strategy · metric | Simulation noise | Factor | S1 | ST |"), markdown)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains(warning), html)
    }
}

private extension Dictionary where Key == String, Value == [Double] {
    func value(_ key: String, _ i: Int) -> Double { self[key]![i] }
}
