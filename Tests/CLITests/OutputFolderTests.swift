import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Reports
import TestSupport
import XCTest

/// A run never writes into a folder another run owns: default names are unique even for runs
/// started in the same second, a folder holding a run is refused untouched unless `--force`,
/// and a folder another process is writing to is refused while it writes.
final class OutputFolderTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func scenario(in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("s.yaml")
        try """
        name: s
        replications: 2
        horizon_days: 60
        population: {size: 1500}
        strategies: [graded]
        output: {dir: runs}
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func read(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    func testRunsStartedTogetherEachGetTheirOwnFolderAndRegistryRow() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let r = try TestProcess.shell("export XDG_DATA_HOME='\(dir.path)/data'; unset COLLECTSIM_REGISTRY; for i in 1 2 3 4; do '\(binary.path)' run '\(s.path)' --seed $i --quiet >/dev/null & done; wait", in: dir)
        XCTAssertEqual(r.status, 0, r.stdout)
        let folders = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("runs").path).filter { $0.hasPrefix("s-") }
        XCTAssertEqual(folders.count, 4, "\(folders)")
        var seeds = Set<String>()
        for f in folders {
            let summary = try String(contentsOf: dir.appendingPathComponent("runs/\(f)/summary.json"), encoding: .utf8)
            let seed = try XCTUnwrap(summary.split(separator: "\n").first { $0.contains("\"seed\"") })
            seeds.insert(String(seed))
            // The folder's other files are of the same run as its summary.
            let resolved = try String(contentsOf: dir.appendingPathComponent("runs/\(f)/scenario.resolved.yaml"), encoding: .utf8)
            XCTAssertTrue(resolved.contains("seed: \(seed.filter(\.isNumber))"), "\(f): \(seed)")
        }
        XCTAssertEqual(seeds.count, 4, "every seed in a folder of its own: \(seeds)")
        let list = try TestProcess.run(binary, ["runs", "list"], environment: ["XDG_DATA_HOME": dir.appendingPathComponent("data").path, "COLLECTSIM_REGISTRY": ""])
        XCTAssertEqual(Set(folders.map { f in list.stdout.contains("/runs/\(f)\n") }), [true], list.stdout)
    }

    /// `output.dir` is checked on its text when the scenario loads; a link on the way that
    /// leads out of the working directory is refused at run time, and nothing is written there.
    /// `--out` still names any folder, and a link that stays inside is followed.
    func testAnOutputDirThatLeavesTheWorkingDirectoryThroughALinkIsRefused() throws {
        let dir = TestRun.temporaryDirectory(), elsewhere = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("runs").path, withDestinationPath: elsewhere.path)
        let r = try TestProcess.run(binary, ["run", s.path, "--quiet"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("output.dir leads out of the working directory"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--out"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [], "nothing written through the link")

        try FileManager.default.removeItem(at: dir.appendingPathComponent("runs"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("inside"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("runs").path, withDestinationPath: "inside")
        let inside = try TestProcess.run(binary, ["run", s.path, "--quiet"], in: dir)
        XCTAssertEqual(inside.status, 0, inside.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("inside").path).filter { $0.hasPrefix("s-") }.count, 1)
    }

    func testAFinishedRunIsRefusedUntouchedAndReplacedOnlyWithForce() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let out = dir.appendingPathComponent("out")
        let registry = dir.appendingPathComponent("r.sqlite").path
        XCTAssertEqual(try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet", "--registry", registry]).status, 0)
        let before = try ["summary.json", "metrics.csv", "scenario.resolved.yaml"].map { try read(out.appendingPathComponent($0)) }
        let again = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--seed", "9", "--quiet", "--registry", registry])
        XCTAssertEqual(again.status, 73)
        XCTAssertTrue(again.stderr.contains("already holds a finished run") && again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try ["summary.json", "metrics.csv", "scenario.resolved.yaml"].map { try read(out.appendingPathComponent($0)) }, before)
        let listing = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet", "--registry", registry]).status, 73)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), listing.sorted(), "no file added")
        let forced = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--seed", "9", "--force", "--quiet", "--registry", registry])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try FolderSummary.read(Data(contentsOf: out.appendingPathComponent("summary.json"))).seed, 9)
        let list = try TestProcess.run(binary, ["runs", "list", "--registry", registry])
        XCTAssertTrue(list.stdout.contains("seed 9"), "the replacing run is recorded: \(list.stdout)")
    }

    func testAnUnfinishedRunsFolderIsRefusedWithoutTouchingWhatResumesIt() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let out = dir.appendingPathComponent("stopped")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
        let resolved = out.appendingPathComponent("scenario.resolved.yaml")
        try "name: earlier\nseed: 77\n".write(to: resolved, atomically: true, encoding: .utf8)
        let r = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet", "--registry", dir.appendingPathComponent("r.sqlite").path])
        XCTAssertEqual(r.status, 73)
        XCTAssertTrue(r.stderr.contains("unfinished run") && r.stderr.contains("collectsim run --resume \(out.path)"), r.stderr)
        XCTAssertEqual(try String(contentsOf: resolved, encoding: .utf8), "name: earlier\nseed: 77\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(".collectsim.lock").path), "not even a lock file")
    }

    func testAFolderAnotherProcessIsWritingToIsRefused() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let out = dir.appendingPathComponent("busy")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let fd = open(out.appendingPathComponent(".collectsim.lock").path, O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let r = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet", "--registry", dir.appendingPathComponent("r.sqlite").path])
        XCTAssertEqual(r.status, 73)
        XCTAssertTrue(r.stderr.contains("another collectsim process") && r.stderr.contains(out.path), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [".collectsim.lock"], "nothing written")
    }

    /// Command-line overrides pass the file's own range checks, so the saved scenario loads
    /// again on --resume; a refused override writes nothing.
    func testOverridesOutsideTheFilesRangesAreRefusedBeforeAnythingIsWritten() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try scenario(in: dir)
        let cases: [([String], String)] = [
            (["--seed", "9223372036854775808"], "--seed: expected a non-negative seed"),
            (["--replications", "200000"], "--replications: expected a number of replications in [1, 100000]"),
            (["--threads", "9223372036854775807"], "--threads must be between 1 and 4096"),
            (["--threads", "0"], "--threads must be between 1 and 4096"),
        ]
        for (args, message) in cases {
            let out = dir.appendingPathComponent("o")
            let r = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet"] + args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(args): nothing written")
        }
        // The largest accepted seed round-trips through the saved scenario.
        let out = dir.appendingPathComponent("max-seed")
        let r = try TestProcess.run(binary, ["run", s.path, "--out", out.path, "--quiet", "--seed", "9223372036854775807",
                                             "--registry", dir.appendingPathComponent("r.sqlite").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestProcess.run(binary, ["validate", out.appendingPathComponent("scenario.resolved.yaml").path]).status, 0)
    }
}
