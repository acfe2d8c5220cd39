import Foundation
import TestSupport
import XCTest

/// A registry that cannot record a run fails the command loudly, keeps the results, and
/// leaves the folder resumable so the run can be recorded once the registry is fixed.
final class RegistryFailureTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func testADamagedRegistryFailsLoudlyAndResumeRecordsTheRunOnceItIsMovedAside() throws {
        let dir = TestRun.temporaryDirectory()
        let s = dir.appendingPathComponent("s.yaml")
        try "name: s\nreplications: 2\nhorizon_days: 30\npopulation: {size: 1000}\nstrategies: [graded]\n".write(to: s, atomically: true, encoding: .utf8)
        let registry = dir.appendingPathComponent("runs.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: registry)  // not a database
        let run = dir.appendingPathComponent("run")
        let r = try TestProcess.run(binary, ["run", s.path, "--out", run.path, "--quiet", "--registry", registry.path], in: dir)
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.contains("the run registry \(registry.path) is damaged"), r.stderr)
        XCTAssertTrue(r.stderr.contains("record the run with: collectsim run --resume \(run.path)"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: registry), Data(repeating: 0x41, count: 8192), "nothing written into the damaged file")
        let metrics = try Data(contentsOf: run.appendingPathComponent("metrics.csv"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint").path), "kept, so the folder resumes")

        try FileManager.default.moveItem(at: registry, to: dir.appendingPathComponent("runs.sqlite.damaged"))
        let resumed = try TestProcess.run(binary, ["run", "--resume", run.path, "--quiet"], in: dir,
                                          environment: ["COLLECTSIM_REGISTRY": registry.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("metrics.csv")), metrics)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint").path))
        // Resuming again is a no-op; recording the same folder twice keeps one row.
        XCTAssertEqual(try TestProcess.run(binary, ["run", "--resume", run.path, "--quiet"], in: dir).status, 0)
        let list = try TestProcess.run(binary, ["runs", "list", "--registry", registry.path])
        XCTAssertEqual(list.stdout.components(separatedBy: "\(run.path)\n").count - 1, 1, list.stdout)
    }

    func testADamagedRegistryFailsAnExperimentLoudlyAndResumeRecordsIt() throws {
        let dir = TestRun.temporaryDirectory()
        let s = dir.appendingPathComponent("sweep.yaml")
        try """
        name: sweep-registry
        horizon_days: 30
        strategies: [graded]
        experiment:
          replications: 2
          population: 800
          metrics: [recovery_rate]
          sweep:
            factors:
              - {path: model.capacity.macro_stress, values: [0.9, 1.2]}
        """.write(to: s, atomically: true, encoding: .utf8)
        let registry = dir.appendingPathComponent("runs.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: registry)  // not a database
        let out = dir.appendingPathComponent("sweep")
        let r = try TestProcess.run(binary, ["sweep", s.path, "--out", out.path, "--quiet", "--registry", registry.path], in: dir)
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.contains("the run registry \(registry.path) is damaged"), r.stderr)
        XCTAssertTrue(r.stderr.contains("record the experiment with: collectsim sweep --resume \(out.path)"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: registry), Data(repeating: 0x41, count: 8192), "nothing written into the damaged file")
        let results = try Data(contentsOf: out.appendingPathComponent("sweep.csv"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("evaluations").path), "kept, so the folder resumes")

        try FileManager.default.moveItem(at: registry, to: dir.appendingPathComponent("runs.sqlite.damaged"))
        let resumed = try TestProcess.run(binary, ["sweep", "--resume", out.path, "--quiet", "--registry", registry.path], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("(experiment #1 in the registry)"), resumed.stdout)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("sweep.csv")), results, "the same outputs, from the stored evaluations")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("evaluations").path))
        XCTAssertEqual(try TestProcess.run(binary, ["sweep", "--resume", out.path, "--quiet", "--registry", registry.path], in: dir).status, 0)
        let list = try TestProcess.run(binary, ["runs", "list", "--registry", registry.path])
        XCTAssertEqual(list.stdout.components(separatedBy: "\(out.path)\n").count - 1, 1, list.stdout)
    }
}
