import Foundation
import TestSupport
import XCTest

/// `collectsim slurm` on a real Slurm cluster: munged, slurmctld and two slurmd nodes started on
/// this machine by `scripts/slurm-minicluster.sh` (installing Debian's slurm-wlm and munge when
/// missing), stopped by process id when the tests end. Skipped, saying why, only where Slurm
/// cannot be installed.
final class SlurmClusterTests: XCTestCase {
    /// The cluster's folder, or why there is no cluster.
    nonisolated(unsafe) static var cluster: Result<URL, XCTSkip>?

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/slurm-minicluster.sh")
    }

    override class func tearDown() {
        if case .success(let dir)? = cluster {
            _ = try? TestProcess.run(URL(fileURLWithPath: "/bin/bash"), [script.path, "stop", dir.path])
            try? FileManager.default.removeItem(at: dir)
        }
        cluster = nil
        super.tearDown()
    }

    /// The running cluster's folder (started on first use).
    func clusterFolder() throws -> URL {
        if Self.cluster == nil {
            let dir = TestRun.temporaryDirectory()
            let r = try TestProcess.run(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "start", dir.path])
            switch r.status {
            case 0: Self.cluster = .success(dir)
            case 77: Self.cluster = .failure(XCTSkip("Slurm is not available here: \(r.stderr)"))
            default:
                _ = try? TestProcess.run(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "stop", dir.path])
                XCTFail("the test cluster did not start (status \(r.status)): \(r.stderr)")
                throw XCTSkip("no cluster")
            }
        }
        return try Self.cluster!.get()
    }

    var environment: [String: String] {
        get throws {
            TestProcess.reproducibleDate.merging(["SLURM_CONF": try clusterFolder().appendingPathComponent("slurm.conf").path]) { $1 }
        }
    }

    func collectsim(_ args: [String], in dir: URL) throws -> ProcessOutput {
        try TestProcess.run(TestRun.collectsimBinary, args, in: dir, environment: try environment)
    }

    func slurmCommand(_ name: String, _ args: [String]) throws -> ProcessOutput {
        try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [name] + args, environment: try environment)
    }

    /// Waits until none of `jobs` is pending or running any more (polling squeue, as `sbatch
    /// --wait` would only every 32 s).
    func waitForJobs(_ jobs: [String], timeout: Double = 300) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let q = try slurmCommand("squeue", ["--noheader", "--array", "--jobs=\(jobs.joined(separator: ","))", "--format=%i %T"])
            XCTAssertEqual(q.status, 0, "squeue: \(q.stderr)")
            if q.status != 0 || q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTFail("jobs \(jobs) still queued after \(timeout) s")
    }

    /// The two job ids `collectsim slurm … --submit` or `status --resubmit` printed.
    func jobIDs(_ output: String) throws -> [String] {
        let line = try XCTUnwrap(output.split(separator: "\n").first { $0.contains("(afterany:") }, output)
        let ids = line.components(separatedBy: "array job ").last!.split(whereSeparator: { !$0.isNumber }).prefix(2).map(String.init)
        XCTAssertEqual(ids.count, 2, output)
        return ids
    }

    /// The end of the controller's log, to say why a job did not run.
    func controllerLog() throws -> String {
        let text = (try? String(contentsOf: try clusterFolder().appendingPathComponent("slurmctld.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    func assertSameRun(_ local: URL, _ merged: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        guard FileManager.default.fileExists(atPath: merged.appendingPathComponent("summary.json").path) else {
            return XCTFail("no merged run in \(merged.path); slurmctld.log ends: \(try controllerLog())", file: file, line: line)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: local.path).filter { $0 != ".collectsim.lock" }
        XCTAssertTrue(names.contains("summary.json") && names.contains("report.html"), "\(names)", file: file, line: line)
        for name in names {
            XCTAssertEqual(try Data(contentsOf: merged.appendingPathComponent(name)), try Data(contentsOf: local.appendingPathComponent(name)),
                           "\(name) differs", file: file, line: line)
        }
    }

    func scenario(_ size: Int, horizon: Int, accounts: Bool, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("cluster.yaml")
        try """
        name: cluster
        seed: 5
        replications: 2
        horizon_days: \(horizon)
        population: {size: \(size)}
        strategies: [gentle, graded]
        output: {export_accounts: \(accounts)}
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testAFourTaskClusterRunMergesToTheLocalRunsBytes() throws {
        _ = try clusterFolder()
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try scenario(9000, horizon: 90, accounts: true, in: dir)
        let registry = dir.appendingPathComponent("r.sqlite").path
        let local = dir.appendingPathComponent("local")
        XCTAssertEqual(try collectsim(["run", s.path, "--out", local.path, "--quiet", "--registry", registry], in: dir).status, 0)
        let run = dir.appendingPathComponent("cluster")
        let submitted = try collectsim(["slurm", s.path, "--tasks", "4", "--out", run.path, "--submit", "--registry", registry], in: dir)
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let jobs = try jobIDs(submitted.stdout)
        try waitForJobs(jobs)
        try assertSameRun(local, run)
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("accounts.csv")), try Data(contentsOf: local.appendingPathComponent("accounts.csv")))
        // Tasks ran on both nodes.
        let logs = try (1...4).map { try String(contentsOf: run.appendingPathComponent("slurm/logs/shard-\($0).out"), encoding: .utf8) }
        XCTAssertTrue(logs.allSatisfy { $0.contains("written to") }, "\(logs)")
        let status = try collectsim(["slurm", "status", run.path], in: dir)
        XCTAssertTrue(status.stdout.contains("4 done, 0 running, 0 failed, 0 missing; merged."), status.stdout)
        let list = try collectsim(["runs", "list", "--registry", registry], in: dir)
        XCTAssertTrue(list.stdout.contains(run.path), "the merge job recorded the run: \(list.stdout)")
    }

    func testATaskCancelledMidRunIsResubmittedAsStatusAdvisesAndTheMergeStillMatches() throws {
        _ = try clusterFolder()
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Large enough that a task runs for a few seconds on one core.
        let s = try scenario(400_000, horizon: 180, accounts: false, in: dir)
        let registry = dir.appendingPathComponent("r.sqlite").path
        let local = dir.appendingPathComponent("local")
        XCTAssertEqual(try collectsim(["run", s.path, "--out", local.path, "--quiet", "--registry", registry], in: dir).status, 0)
        let run = dir.appendingPathComponent("cluster")
        let submitted = try collectsim(["slurm", s.path, "--tasks", "4", "--out", run.path, "--submit", "--registry", registry], in: dir)
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let jobs = try jobIDs(submitted.stdout)
        // Cancel task 2 once it is writing its shard (its folder exists only then).
        let shard = run.appendingPathComponent("shards/shard-0002-of-0004")
        let deadline = Date().addingTimeInterval(120)
        var cancelled = false
        while Date() < deadline && !cancelled {
            if FileManager.default.fileExists(atPath: shard.path) {
                XCTAssertFalse(FileManager.default.fileExists(atPath: shard.appendingPathComponent("shard.json").path), "task 2 finished too soon to be cancelled mid-run")
                XCTAssertEqual(try slurmCommand("scancel", ["\(jobs[0])_2"]).status, 0)
                cancelled = true
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        XCTAssertTrue(cancelled, "task 2 was never seen running")
        try waitForJobs(jobs)
        let mergeLog = try String(contentsOf: run.appendingPathComponent("slurm/logs/merge.out"), encoding: .utf8)
        XCTAssertTrue(mergeLog.contains("shard-0002-of-0004"), "the merge names the missing shard: \(mergeLog)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path), "a merge with a shard missing writes nothing")
        let status = try collectsim(["slurm", "status", run.path], in: dir)
        XCTAssertTrue(status.stdout.contains("3 done, 0 running, 1 failed, 0 missing"), status.stdout)
        XCTAssertTrue(status.stdout.contains("--array=2 "), status.stdout)
        let advice = try XCTUnwrap(status.stdout.split(separator: "\n").first { $0.contains("--resubmit") }, status.stdout)
        XCTAssertTrue(advice.hasSuffix("collectsim slurm status \(run.path) --resubmit"), String(advice))
        let again = try collectsim(["slurm", "status", run.path, "--resubmit"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        try waitForJobs(try jobIDs(again.stdout))
        try assertSameRun(local, run)
    }
}
