import Foundation
import TestSupport
import XCTest

/// `collectsim report DIR` rebuilds an experiment folder from the evaluations it keeps, to the
/// bytes the experiment wrote, and every experiment's notebook runs on its own files.
final class ExperimentReportTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    /// Small experiments of every kind (seconds each), with the command that runs them.
    static let experiments: [(kind: String, scenario: String, outputs: [String])] = [
        ("sweep", """
        name: sweep-small
        seed: 3
        horizon_days: 60
        strategies: [graded, strict]
        experiment:
          replications: 2
          population: 800
          metrics: [recovery_rate, complaints_per_1000]
          sweep:
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.4], steps: 3}
        """, ["sweep.csv"]),
        ("sensitivity", """
        name: sensitivity-small
        seed: 4
        horizon_days: 60
        strategies: [graded]
        experiment:
          replications: 2
          population: 800
          metrics: [recovery_rate]
          sensitivity:
            samples: 4
            bootstrap: 50
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.5]}
              - {path: model.action.call.jump, range: [0.02, 0.08]}
        """, ["sensitivity.csv", "samples.csv"]),
        ("optimize", """
        name: optimize-small
        seed: 5
        horizon_days: 60
        strategies: [graded]
        experiment:
          replications: 2
          population: 800
          metrics: [recovery_rate]
          optimize:
            strategy: graded
            objective: net_recovery_rate
            max_evaluations: 6
            constraints: [{metric: complaints_per_1000, max: 10}]
            frontier: {against: complaints_per_1000, points: 2}
            factors:
              - {path: "strategies.graded.rules[2].do[1].every_days", range: [1, 14]}
        """, ["optimize.csv", "frontier.csv", "optimized.yaml"]),
        ("calibrate", """
        name: calibrate-small
        seed: 6
        horizon_days: 120
        strategies: [graded]
        experiment:
          replications: 2
          population: 1000
          calibrate:
            strategy: graded
            observed: observed.csv
            max_evaluations: 6
            factors:
              - {path: model.capacity.macro_stress, range: [0.7, 1.8], start: 1.0}
        """, ["calibration.csv", "residuals.csv", "fitted.yaml", "observed.csv"]),
    ]

    /// Runs each experiment once per test process, in its own folder.
    static let folders: Result<[String: URL], Error> = Result {
        let dir = TestRun.temporaryDirectory()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let observed = root.appendingPathComponent("scenarios/experiments/observed-portfolio.csv")
        try FileManager.default.copyItem(at: observed, to: dir.appendingPathComponent("observed.csv"))
        var folders: [String: URL] = [:]
        for e in experiments {
            let file = dir.appendingPathComponent("\(e.kind).yaml")
            try e.scenario.write(to: file, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent(e.kind)
            let r = try TestProcess.run(TestRun.collectsimBinary, [e.kind, file.path, "--out", out.path, "--quiet"], in: dir,
                                        environment: TestProcess.reproducibleDate)
            guard r.status == 0 else { throw NSError(domain: "\(e.kind) failed: \(r.stderr)", code: Int(r.status)) }
            folders[e.kind] = out
        }
        return folders
    }

    static func files(in dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            files[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return files
    }

    func testReportRebuildsEveryKindOfExperimentToTheBytesItWrote() throws {
        let folders = try Self.folders.get()
        for e in Self.experiments {
            // A copy, so that the other tests read the folder as the experiment left it.
            let dir = TestRun.temporaryDirectory().appendingPathComponent(e.kind)
            try FileManager.default.copyItem(at: folders[e.kind]!, to: dir)
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("evaluations.jsonl").path), e.kind)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("evaluations").path), "\(e.kind): the folder is complete")
            let before = try Self.files(in: dir)
            for name in ["report.html", "report.md", "analysis.ipynb", "summary.json"] + e.outputs where name != "observed.csv" {
                XCTAssertNotNil(before[name], "\(e.kind) wrote \(name)")
                try FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            }
            let r = try TestProcess.run(binary, ["report", dir.path], in: dir, environment: TestProcess.reproducibleDate)
            XCTAssertEqual(r.status, 0, "\(e.kind): \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix("Rebuilt the \(e.kind) in \(dir.path) from its "), r.stdout)
            let after = try Self.files(in: dir)
            XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), e.kind)
            for (name, data) in before { XCTAssertEqual(after[name], data, "\(e.kind): \(name) rebuilt to other bytes") }
        }
    }

    /// The scenarios experiments write (`optimized.yaml`, `fitted.yaml`, and each folder's
    /// `scenario.resolved.yaml`, dotted model keys and all) are valid by `collectsim schema`.
    func testTheScenariosExperimentsWriteAreValidByTheSchema() throws {
        let folders = try Self.folders.get()
        let schema = TestRun.temporaryDirectory().appendingPathComponent("schema.json")
        let r = try TestProcess.run(binary, ["schema"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try r.stdout.write(to: schema, atomically: true, encoding: .utf8)
        let files = [folders["optimize"]!.appendingPathComponent("optimized.yaml"), folders["calibrate"]!.appendingPathComponent("fitted.yaml")]
            + Self.experiments.map { folders[$0.kind]!.appendingPathComponent("scenario.resolved.yaml") }
        let results = try SchemaValidation.validate(files, schema: schema)
        for file in files { XCTAssertEqual(results[file.path], "OK", file.path) }
    }

    func testAnExperimentFolderWithoutItsEvaluationsIsRefusedUntouched() throws {
        let dir = TestRun.temporaryDirectory().appendingPathComponent("sweep")
        try FileManager.default.copyItem(at: try Self.folders.get()["sweep"]!, to: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("evaluations.jsonl"))
        let before = try Self.files(in: dir)
        let r = try TestProcess.run(binary, ["report", dir.path], in: dir)
        XCTAssertEqual(r.status, 66)
        XCTAssertEqual(r.stderr, """
        \(dir.path): error: this sweep folder keeps no evaluations (evaluations.jsonl), so it cannot be rebuilt: \
        it was written before CollectSim kept them, or they were deleted. Run it again: \
        collectsim sweep \(dir.path)/scenario.resolved.yaml --out NEW_FOLDER

        """)
        XCTAssertEqual(try Self.files(in: dir), before)
    }

    func testAnArchiveWithFewerEvaluationsThanTheExperimentAsksForIsRefusedBeforeAnythingIsWritten() throws {
        let dir = TestRun.temporaryDirectory().appendingPathComponent("sweep")
        try FileManager.default.copyItem(at: try Self.folders.get()["sweep"]!, to: dir)
        let archive = dir.appendingPathComponent("evaluations.jsonl")
        let lines = try String(contentsOf: archive, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        try (lines.prefix(2).joined(separator: "\n") + "\n").write(to: archive, atomically: true, encoding: .utf8)
        let before = try Self.files(in: dir)
        let r = try TestProcess.run(binary, ["report", dir.path], in: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.hasPrefix("\(archive.path):3:1: error: the experiment asks for evaluation 3, which the folder does not hold (it holds 2)"), r.stderr)
        XCTAssertEqual(try Self.files(in: dir), before)
    }

    func testEveryExperimentsNotebookExecutesWithoutCellErrors() throws {
        try TestProcess.ensurePythonPackages(NotebookTests.packages)
        let folders = try Self.folders.get()
        let script = TestRun.temporaryDirectory().appendingPathComponent("execute.py")
        try """
        import nbformat
        from nbclient import NotebookClient
        nb = nbformat.read("analysis.ipynb", as_version=4)
        nbformat.validate(nb)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
        images = sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        print("images", images, "errors", len(errors))
        for e in errors: print(e.get("ename"), e.get("evalue"))
        """.write(to: script, atomically: true, encoding: .utf8)
        let charts = ["sweep": 1, "sensitivity": 2, "optimize": 2, "calibrate": 2]
        for e in Self.experiments {
            let executed = try TestProcess.shell("python3 '\(script.path)'", in: folders[e.kind]!)
            XCTAssertEqual(executed.status, 0, "\(e.kind): \(executed.stdout.suffix(3000))")
            XCTAssertTrue(executed.stdout.contains("images \(charts[e.kind]!) errors 0"), "\(e.kind): \(executed.stdout.suffix(3000))")
        }
    }
}
