import Foundation
import TestSupport
import XCTest

/// `collectsim slurm` without a cluster: the job scripts it writes, the status of a run that has
/// not started, and the refusals that come before anything is submitted.
final class SlurmScriptTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func scenario(in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("s.yaml")
        try """
        name: book
        replications: 2
        horizon_days: 30
        population: {size: 3000}
        strategies: [graded]
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testTheJobScriptsRunEveryShardRequeueSafelyAndMergeAfterAnyEnd() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try scenario(in: dir)
        let out = dir.appendingPathComponent("cluster")
        let r = try TestProcess.run(binary, ["slurm", s.path, "--tasks", "4", "--out", out.path, "--partition", "short", "--time", "0:30:00",
                                             "--mem", "2G", "--cpus-per-task", "3", "--account", "lab"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let shards = try String(contentsOf: out.appendingPathComponent("slurm/shards.sbatch"), encoding: .utf8)
        for line in ["#SBATCH --array=1-4", "#SBATCH --requeue", "#SBATCH --signal=B:TERM@60", "#SBATCH --partition=short",
                     "#SBATCH --time=0:30:00", "#SBATCH --mem=2G", "#SBATCH --cpus-per-task=3", "#SBATCH --account=lab",
                     "--shard \"${SLURM_ARRAY_TASK_ID}/4\"", "--out '\(out.path)/shards'"] {
            XCTAssertTrue(shards.contains(line), "\(line) not in:\n\(shards)")
        }
        let merge = try String(contentsOf: out.appendingPathComponent("slurm/merge.sbatch"), encoding: .utf8)
        XCTAssertTrue(merge.contains("merge '\(out.path)'") && merge.contains("slurm status '\(out.path)'"), merge)
        XCTAssertTrue(r.stdout.contains("sbatch --dependency=afterany:$id"), r.stdout)
        // The scripts are valid bash.
        for name in ["shards.sbatch", "merge.sbatch"] {
            XCTAssertEqual(try TestProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-n", out.appendingPathComponent("slurm/\(name)").path]).status, 0)
        }
        let status = try TestProcess.run(binary, ["slurm", "status", out.path], in: dir)
        XCTAssertTrue(status.stdout.contains("4 shards — 0 done, 0 running, 0 failed, 4 missing"), status.stdout)
        XCTAssertTrue(status.stdout.contains("--array=1-4 "), status.stdout)
        // A shard run by hand counts as done.
        XCTAssertEqual(try TestProcess.run(binary, ["run", out.appendingPathComponent("slurm/scenario.yaml").path, "--shard", "3/4",
                                                    "--out", out.appendingPathComponent("shards").path, "--quiet"], in: dir).status, 0)
        let after = try TestProcess.run(binary, ["slurm", "status", out.path], in: dir)
        XCTAssertTrue(after.stdout.contains("1 done, 0 running, 0 failed, 3 missing") && after.stdout.contains("--array=1-2,4 "), after.stdout)
    }

    func testBadRequestsAreRefusedBeforeAnythingIsWrittenOrSubmitted() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try scenario(in: dir)
        let out = dir.appendingPathComponent("cluster")
        let noSbatch = try TestProcess.run(binary, ["slurm", s.path, "--tasks", "2", "--out", out.path, "--submit"], in: dir,
                                           environment: ["PATH": dir.appendingPathComponent("empty").path])
        XCTAssertEqual(noSbatch.status, 69)
        XCTAssertTrue(noSbatch.stderr.contains("sbatch is not installed") && noSbatch.stderr.contains("--shard K/N"), noSbatch.stderr)
        let tooMany = try TestProcess.run(binary, ["slurm", s.path, "--tasks", "7", "--out", out.path], in: dir)
        XCTAssertEqual(tooMany.status, 64)
        XCTAssertTrue(tooMany.stderr.contains("only 6 blocks"), tooMany.stderr)
        let bad = dir.appendingPathComponent("bad.yaml")
        try "name: bad\nreplications: 0\n".write(to: bad, atomically: true, encoding: .utf8)
        let invalid = try TestProcess.run(binary, ["slurm", bad.path, "--tasks", "2", "--out", out.path], in: dir)
        XCTAssertEqual(invalid.status, 65)
        XCTAssertTrue(invalid.stderr.contains("bad.yaml:2:"), invalid.stderr)
        let search = try TestProcess.run(binary, ["slurm", s.path, "--tasks", "2", "--out", out.path, "--command", "optimize"], in: dir)
        XCTAssertEqual(search.status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused request wrote nothing")
        let notACluster = try TestProcess.run(binary, ["slurm", "status", dir.path], in: dir)
        XCTAssertEqual(notACluster.status, 66)
        XCTAssertTrue(notACluster.stderr.contains("not a cluster run folder"), notACluster.stderr)
    }
}
