import Foundation
import Reports
import TestSupport
import XCTest

/// Runs that are stopped, killed or spread over threads and processes end with the same bytes.
final class InterruptionTests: XCTestCase {
    static let outputs = ["summary.json", "metrics.csv", "curves.csv", "comparison.csv", "rollrates.csv", "scenario.resolved.yaml", "report.html", "report.md", "analysis.ipynb"]

    var binary: URL { TestRun.collectsimBinary }

    /// A scenario of a few seconds, long enough to interrupt between replications.
    func scenario(in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("s.yaml")
        try """
        name: interrupt-me
        seed: 9
        replications: 8
        horizon_days: 120
        population: {size: 30000}
        strategies: [gentle, graded]
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func start(_ args: [String], stderr: URL) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = TestProcess.environment(TestProcess.reproducibleDate)
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: stderr)
        try p.run()
        return p
    }

    func runToEnd(_ args: [String], in dir: URL) throws -> Int32 {
        let p = try start(args, stderr: dir.appendingPathComponent("stderr-\(UUID().uuidString)"))
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Waits until the run folder holds `count` finished replications.
    func waitForCheckpoints(_ count: Int, in run: URL, process: Process) {
        let last = run.appendingPathComponent("checkpoint").appendingPathComponent(String(format: "replication-%06d.bin", count - 1))
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: last.path) && process.isRunning && Date() < deadline { usleep(20_000) }
    }

    func assertSameOutputs(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in Self.outputs {
            let x = try Data(contentsOf: a.appendingPathComponent(name)), y = try Data(contentsOf: b.appendingPathComponent(name))
            XCTAssertEqual(x, y, "\(name) differs between \(a.lastPathComponent) and \(b.lastPathComponent)", file: file, line: line)
        }
    }

    func testSignalStopsTheRunAndResumeWritesTheUninterruptedBytes() throws {
        for (number, name) in [(SIGINT, "int"), (SIGTERM, "term")] {
            let dir = TestRun.temporaryDirectory()
            let s = try scenario(in: dir)
            XCTAssertEqual(try runToEnd(["run", s.path, "--out", dir.appendingPathComponent("full").path, "--quiet"], in: dir), 0)

            let run = dir.appendingPathComponent(name)
            let err = dir.appendingPathComponent("stderr-\(name)")
            let p = try start(["run", s.path, "--out", run.path, "--quiet"], stderr: err)
            waitForCheckpoints(2, in: run, process: p)
            kill(p.processIdentifier, number)
            p.waitUntilExit()
            let message = try String(contentsOf: err, encoding: .utf8)
            XCTAssertEqual(p.terminationStatus, 128 + number, message)
            XCTAssertTrue(try FolderSummary.read(Data(contentsOf: run.appendingPathComponent("summary.json"))).partial)
            XCTAssertTrue(message.contains("collectsim run --resume"), message)

            XCTAssertEqual(try runToEnd(["run", "--resume", run.path, "--quiet"], in: dir), 0)
            try assertSameOutputs(dir.appendingPathComponent("full"), run)
            XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint").path))
            // Resuming a finished run changes nothing.
            let before = try Data(contentsOf: run.appendingPathComponent("metrics.csv"))
            XCTAssertEqual(try runToEnd(["run", "--resume", run.path, "--quiet"], in: dir), 0)
            XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("metrics.csv")), before)
        }
    }

    func testResumeAfterSIGKILLWritesTheUninterruptedBytes() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let run = dir.appendingPathComponent("killed")
        let full = dir.appendingPathComponent("full-accounts")
        XCTAssertEqual(try runToEnd(["run", s.path, "--out", full.path, "--quiet", "--export-accounts"], in: dir), 0)
        let p = try start(["run", s.path, "--out", run.path, "--quiet", "--threads", "2", "--export-accounts"], stderr: dir.appendingPathComponent("stderr-kill"))
        waitForCheckpoints(3, in: run, process: p)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        // No output but the resolved scenario and checkpoints; no temporary file survives as an output.
        let left = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(left, ["checkpoint", "scenario.resolved.yaml"])
        XCTAssertEqual(try runToEnd(["run", "--resume", run.path, "--quiet", "--threads", "1"], in: dir), 0)
        try assertSameOutputs(full, run)
        XCTAssertEqual(try Data(contentsOf: full.appendingPathComponent("accounts.csv")), try Data(contentsOf: run.appendingPathComponent("accounts.csv")))
    }

    func testEveryOutputIsIdenticalAcrossThreadCountsAndProcesses() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        var runs: [URL] = []
        for threads in [1, 2, 3, 8] {
            let out = dir.appendingPathComponent("t\(threads)")
            XCTAssertEqual(try runToEnd(["run", s.path, "--out", out.path, "--quiet", "--threads", "\(threads)", "--replications", "3"], in: dir), 0)
            runs.append(out)
        }
        // Two processes at once, same arguments.
        let a = dir.appendingPathComponent("pa"), b = dir.appendingPathComponent("pb")
        let pa = try start(["run", s.path, "--out", a.path, "--quiet", "--replications", "3"], stderr: dir.appendingPathComponent("ea"))
        let pb = try start(["run", s.path, "--out", b.path, "--quiet", "--replications", "3"], stderr: dir.appendingPathComponent("eb"))
        pa.waitUntilExit(); pb.waitUntilExit()
        XCTAssertEqual([pa.terminationStatus, pb.terminationStatus], [0, 0])
        runs += [a, b]
        for other in runs.dropFirst() { try assertSameOutputs(runs[0], other) }
    }

    func testResumeRefusesScenarioArgumentsAndAForeignCheckpoint() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let run = dir.appendingPathComponent("r")
        XCTAssertEqual(try runToEnd(["run", s.path, "--out", run.path, "--quiet", "--replications", "1"], in: dir), 0)
        XCTAssertNotEqual(try runToEnd(["run", s.path, "--resume", run.path], in: dir), 0)
        // A checkpoint written for another scenario is refused, not silently mixed in.
        let folder = run.appendingPathComponent("checkpoint")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("CollectSim checkpoint 3\nnot-this-scenario\n".utf8).write(to: folder.appendingPathComponent("replication-000000.bin"))
        let err = dir.appendingPathComponent("stderr-foreign")
        let p = try start(["run", "--resume", run.path, "--quiet"], stderr: err)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 65)
        XCTAssertTrue(try String(contentsOf: err, encoding: .utf8).contains("belongs to another scenario"))
    }

    /// One long replication: before the fix the signal waited for it to end (and the run ended
    /// complete); now the run stops between blocks, keeps nothing of the replication, and resume
    /// simulates it again to the uninterrupted bytes.
    func testASignalDuringAReplicationStopsItBetweenBlocksAndResumeSimulatesItAgain() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = dir.appendingPathComponent("long.yaml")
        try "name: long\nseed: 5\nreplications: 1\nhorizon_days: 360\npopulation: {size: 200000}\nstrategies: [gentle, graded]\n"
            .write(to: s, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runToEnd(["run", s.path, "--out", dir.appendingPathComponent("full").path, "--quiet"], in: dir), 0)
        let run = dir.appendingPathComponent("stopped")
        let err = dir.appendingPathComponent("stderr-stopped")
        let p = try start(["run", s.path, "--out", run.path, "--quiet"], stderr: err)
        // The resolved scenario is written just before the replication starts; it takes seconds.
        let resolved = run.appendingPathComponent("scenario.resolved.yaml")
        while !FileManager.default.fileExists(atPath: resolved.path) && p.isRunning { usleep(10_000) }
        usleep(200_000)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let message = try String(contentsOf: err, encoding: .utf8)
        XCTAssertEqual(p.terminationStatus, 128 + SIGINT, message)
        XCTAssertTrue(message.contains("after 0 replications"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path), "nothing of the replication is kept")
        XCTAssertEqual(try runToEnd(["run", "--resume", run.path, "--quiet"], in: dir), 0)
        try assertSameOutputs(dir.appendingPathComponent("full"), run)
    }
}
