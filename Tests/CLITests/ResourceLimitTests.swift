import Foundation
import TestSupport
import XCTest

/// Work too large for this process is refused when it is about to start, with the limit that
/// binds and what to do, before anything is written; the same file validates on every machine.
final class ResourceLimitTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    func write(_ text: String, _ name: String, in dir: URL) throws -> URL { try TestRun.write(text, name, in: dir) }

    /// 4 strategies × 1000 replications × 537 KiB per 3650-day tally: about 2 GiB of results,
    /// well within half of any CI machine's memory and beyond half of a 2.9 GiB address space.
    func testTheAddressSpaceLimitIsTheMemoryThatBindsAndNothingIsWritten() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("name: big\nreplications: 1000\nhorizon_days: 3650\nstrategies: [gentle, strict, graded, personalized]\n", "big.yaml", in: dir)
        XCTAssertEqual(try TestProcess.run(binary, ["validate", s.path]).status, 0, "the file itself is valid wherever it is read")
        let out = dir.appendingPathComponent("out")
        let r = try TestProcess.shell("ulimit -v 3000000 && '\(binary.path)' run '\(s.path)' --out '\(out.path)' --quiet", in: dir)
        XCTAssertEqual(r.status, 65, r.stdout)
        XCTAssertTrue(r.stdout.contains("big.yaml: error: field 'replications': this run would keep about 2.0 GiB of results in memory"), r.stdout)
        XCTAssertTrue(r.stdout.contains("more than half of the 2.9 GiB of the address space this process may use (ulimit -v)"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "refused before the folder is made")
    }

    /// A precision run is sized by its cap; the error names the field that sets it.
    func testAPrecisionCapBeyondMemoryIsRefusedAtTheCap() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("""
        name: x
        replications: 4
        precision:
          max_replications: 100000
          targets: {recovery_rate: 0.0001}
        horizon_days: 3650
        strategies: [gentle, strict, graded, personalized]
        """, "cap.yaml", in: dir)
        XCTAssertEqual(try TestProcess.run(binary, ["validate", s.path]).status, 0)
        let r = try TestProcess.run(binary, ["run", s.path, "--quiet"], in: dir)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("error: field 'precision.max_replications': this run would keep about 204.8 GiB of results in memory (4 strategies × 100000 replications × 537 KiB per tally over 3650 days)"), r.stderr)
    }

    /// Days of work are refused before anything is written, with the estimate; `--yes` starts it.
    /// The estimate comes from a trial on this machine, so the test asks only for the order of
    /// magnitude: 2000 replications of 2·10⁷ accounts (3·10¹³ borrower-days, about two weeks on this
    /// machine's two cores) are far beyond a day on any machine. Should the refusal fail, the
    /// run is cut off after two minutes rather than left to run for weeks.
    func testWorkEstimatedBeyondADayIsRefusedUnlessYes() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("name: huge\nreplications: 2000\nhorizon_days: 360\npopulation: {size: 20000000}\nstrategies: [gentle, graded]\n", "huge.yaml", in: dir)
        let r = try TestProcess.shell("timeout 120 '\(binary.path)' run '\(s.path)' --quiet", in: dir)
        XCTAssertEqual(r.status, 64, r.stdout)
        XCTAssertTrue(r.stdout.contains("error: this run is estimated at about "), r.stdout)
        XCTAssertTrue(r.stdout.contains(" days on "), r.stdout)
        XCTAssertTrue(r.stdout.contains("add --yes to start it anyway"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notebooks-out").path), "nothing written")
    }

    /// A run of a few minutes says how long it will take before it starts.
    func testARunOfMinutesStatesItsEstimateUpFront() throws {
        let dir = TestRun.temporaryDirectory()
        let s = try write("name: minutes\nreplications: 400\nhorizon_days: 360\npopulation: {size: 100000}\nstrategies: [gentle, graded]\n", "m.yaml", in: dir)
        // Killed once the estimate is out (within a minute): only the announcement is wanted.
        let r = try TestProcess.shell("""
            '\(binary.path)' run '\(s.path)' --quiet --out '\(dir.path)/out' 2> err & pid=$!
            for i in $(seq 600); do grep -q 'Estimated time' err && break; sleep 0.1; done
            kill -9 $pid; wait $pid; cat err
            """, in: dir)
        XCTAssertTrue(r.stdout.contains("Estimated time: about "), r.stdout)
        XCTAssertTrue(r.stdout.contains("(from a "), r.stdout)
    }

    /// A disk that fills up mid-run: the error names the file and what happened, says how to
    /// resume, and leaves no temporary file behind. The disk is a 64 KiB tmpfs, which holds the
    /// scenario and the checkpoint but not the outputs.
    func testAFullDiskNamesTheFileAndHowToResume() throws {
        let dir = TestRun.temporaryDirectory()
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = try TestProcess.shell("mount -t tmpfs -o size=64k tmpfs '\(disk.path)'")
        try XCTSkipIf(mount.status != 0, "needs permission to mount a small tmpfs: \(mount.stdout)")
        defer { _ = try? TestProcess.shell("umount '\(disk.path)'") }
        let s = try write("name: s\nreplications: 1\nhorizon_days: 30\npopulation: {size: 500}\n", "s.yaml", in: dir)
        let run = disk.appendingPathComponent("run")
        let r = try TestProcess.run(binary, ["run", s.path, "--out", run.path, "--quiet"], in: dir)
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("error: cannot write \(run.path)/"), r.stderr)
        XCTAssertTrue(r.stderr.contains(": the disk is full (no space left on the device); free space, or write elsewhere with --out"), r.stderr)
        XCTAssertTrue(r.stderr.contains("finish the run with: collectsim run --resume \(run.path)"), r.stderr)
        let left = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(left, [], "no temporary file is left behind")
    }
}
