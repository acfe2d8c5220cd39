import Foundation
import TestSupport
import XCTest

/// `run|sweep|sensitivity --shard K/N` and `merge`: the merged folder is byte-identical to the
/// one-machine run's for any shard count, including counts that cut a replication's blocks and
/// its chunks; a bad set of shards is refused with its file named and nothing written.
final class ShardMergeTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    /// 137 blocks per replication: two chunks of the canonical fold, the second one short.
    static let largeRun = """
    name: shard-large
    seed: 7
    replications: 2
    horizon_days: 45
    population: {size: 140000}
    strategies: [gentle, graded]
    baseline: graded
    """

    /// 3 blocks per replication × 2 replications: six work units.
    static let smallRun = """
    name: shard-small
    seed: 11
    replications: 2
    horizon_days: 60
    population: {size: 2500}
    strategies: [graded, strict]
    """

    func write(_ text: String, in dir: URL, name: String = "s.yaml") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func run(_ args: [String], in dir: URL) throws -> ProcessOutput {
        try TestProcess.run(binary, args, in: dir, environment: TestProcess.reproducibleDate.merging(["COLLECTSIM_REGISTRY": dir.appendingPathComponent("r.sqlite").path]) { $1 })
    }

    /// Runs shards 1…n of `command` into `holder`, each as its own process.
    func shards(_ command: String, _ scenario: URL, _ n: Int, into holder: URL, in dir: URL, extra: [String] = []) throws {
        for k in 1...n {
            let r = try run([command, scenario.path, "--shard", "\(k)/\(n)", "--out", holder.path, "--quiet", "--threads", "\(1 + k % 2)"] + extra, in: dir)
            XCTAssertEqual(r.status, 0, "shard \(k)/\(n): \(r.stderr)")
        }
    }

    /// Every file of `expected` (the lock file aside) is in `actual` with the same bytes, and
    /// `actual` holds no other file of a run.
    func assertSameFolder(_ expected: URL, _ actual: URL, ignoring: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: expected.path).filter { $0 != ".collectsim.lock" }.sorted()
        XCTAssertFalse(names.isEmpty, file: file, line: line)
        for name in names {
            XCTAssertEqual(try Data(contentsOf: actual.appendingPathComponent(name)), try Data(contentsOf: expected.appendingPathComponent(name)),
                           "\(name) differs", file: file, line: line)
        }
        let extra = try Set(fm.contentsOfDirectory(atPath: actual.path)).subtracting(names).subtracting([".collectsim.lock"]).subtracting(ignoring)
        XCTAssertEqual(extra, [], "files the one-machine run does not write", file: file, line: line)
    }

    func testMergedShardsOfARunAreByteIdenticalToTheOneMachineRunForAnyShardCount() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try write(Self.largeRun, in: dir)
        let local = dir.appendingPathComponent("local")
        XCTAssertEqual(try run(["run", s.path, "--out", local.path, "--export-accounts", "--export-history", "--quiet"], in: dir).status, 0)
        // 1: one shard holds everything; 3: cuts inside the first chunk of replication 0 and
        // the second of replication 1; 7: cuts both chunks of both replications.
        for n in [1, 3, 7] {
            let holder = dir.appendingPathComponent("shards-\(n)")
            try shards("run", s, n, into: holder, in: dir, extra: ["--export-accounts", "--export-history"])
            let merged = dir.appendingPathComponent("merged-\(n)")
            let m = try run(["merge", holder.path, "--out", merged.path], in: dir)
            XCTAssertEqual(m.status, 0, m.stderr)
            XCTAssertTrue(m.stdout.contains("merged from \(n) shards"), m.stdout)
            try assertSameFolder(local, merged)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: local.appendingPathComponent("history.csv").path), "history.csv is among the files compared")
        // Every unit its own shard, on a run of six units.
        let small = try write(Self.smallRun, in: dir, name: "small.yaml")
        let smallLocal = dir.appendingPathComponent("small-local")
        XCTAssertEqual(try run(["run", small.path, "--out", smallLocal.path, "--export-accounts", "--export-history", "--quiet"], in: dir).status, 0)
        let holder = dir.appendingPathComponent("small-shards")
        try shards("run", small, 6, into: holder, in: dir, extra: ["--export-accounts", "--export-history"])
        // Shard folders may be named one by one, in any order.
        let folders = try FileManager.default.contentsOfDirectory(atPath: holder.path).filter { $0.hasPrefix("shard-") }.sorted().reversed()
        XCTAssertEqual(folders.count, 6)
        let merged = dir.appendingPathComponent("small-merged")
        let m = try run(["merge"] + folders.map { holder.appendingPathComponent($0).path } + ["--out", merged.path], in: dir)
        XCTAssertEqual(m.status, 0, m.stderr)
        try assertSameFolder(smallLocal, merged)
        let list = try run(["runs", "list"], in: dir)
        XCTAssertTrue(list.stdout.contains(merged.path), "the merge records the run: \(list.stdout)")
    }

    func testAPrecisionRunMergedStopsWhereTheSequentialRunStops() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try write("""
        name: precise
        seed: 17
        replications: 3
        horizon_days: 90
        population: {size: 3000}
        strategies: [gentle, graded]
        precision:
          batch: 2
          max_replications: 15
          targets: {recovery_rate: 0.002}
        """, in: dir)
        let local = dir.appendingPathComponent("local")
        let l = try run(["run", s.path, "--out", local.path, "--quiet"], in: dir)
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertTrue(l.stdout.contains("Precision targets met after"), l.stdout)
        let holder = dir.appendingPathComponent("shards")
        try shards("run", s, 4, into: holder, in: dir)
        let merged = dir.appendingPathComponent("merged")
        let m = try run(["merge", holder.path, "--out", merged.path], in: dir)
        XCTAssertEqual(m.status, 0, m.stderr)
        let stop = try XCTUnwrap(l.stdout.split(separator: "\n").first { $0.hasPrefix("Precision targets") })
        XCTAssertTrue(m.stdout.contains(stop), "\(stop) in \(m.stdout)")
        try assertSameFolder(local, merged)
    }

    func testShardedSweepAndSensitivityMergeIntoTheOneMachineFolders() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweep = try write(ExperimentCommandTests.sweepScenario, in: dir, name: "sweep.yaml")
        let sensitivity = try write("""
        name: sense
        seed: 8
        horizon_days: 60
        strategies: [graded]
        experiment:
          replications: 2
          population: 800
          metrics: [recovery_rate, default_rate]
          sensitivity:
            samples: 4
            bootstrap: 200
            factors:
              - {path: model.capacity.macro_stress, range: [0.8, 1.5]}
              - {path: model.action.call.jump, range: [0.02, 0.08]}
        """, in: dir, name: "sense.yaml")
        for (command, file, n) in [("sweep", sweep, 4), ("sensitivity", sensitivity, 3)] {
            let local = dir.appendingPathComponent("\(command)-local")
            let l = try run([command, file.path, "--out", local.path, "--quiet"], in: dir)
            XCTAssertEqual(l.status, 0, l.stderr)
            let holder = dir.appendingPathComponent("\(command)-shards")
            try shards(command, file, n, into: holder, in: dir)
            let merged = dir.appendingPathComponent("\(command)-merged")
            let m = try run(["merge", holder.path, "--out", merged.path], in: dir)
            XCTAssertEqual(m.status, 0, m.stderr)
            try assertSameFolder(local, merged)
        }
        let optimize = try run(["optimize", sweep.path, "--shard", "1/2"], in: dir)
        XCTAssertEqual(optimize.status, 64)
        XCTAssertTrue(optimize.stderr.contains("sequential search"), optimize.stderr)
    }

    func testARerunTaskWritesTheSameBytesAndACompleteShardIsLeftAlone() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try write(Self.smallRun, in: dir)
        let holder = dir.appendingPathComponent("shards")
        XCTAssertEqual(try run(["run", s.path, "--shard", "2/3", "--out", holder.path, "--quiet"], in: dir).status, 0)
        let folder = holder.appendingPathComponent("shard-0002-of-0003")
        func contents() throws -> [String: Data] {
            Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: folder.path).map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
        }
        let first = try contents()
        XCTAssertEqual(Set(first.keys), ["shard.json", "scenario.resolved.yaml", "tallies.bin"])
        let again = try run(["run", s.path, "--shard", "2/3", "--out", holder.path, "--quiet"], in: dir)
        XCTAssertTrue(again.stdout.contains("already complete"), again.stdout)
        // A requeued task whose first attempt died half-way redoes the shard, to the same bytes.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("shard.json"))
        try Data("half".utf8).write(to: folder.appendingPathComponent("tallies.bin"))
        XCTAssertEqual(try run(["run", s.path, "--shard", "2/3", "--out", holder.path, "--quiet", "--threads", "3"], in: dir).status, 0)
        XCTAssertEqual(try contents(), first)
        // Another scenario's shard in the way is refused untouched, and replaced with --force.
        let other = try run(["run", s.path, "--seed", "12", "--shard", "2/3", "--out", holder.path, "--quiet"], in: dir)
        XCTAssertEqual(other.status, 73)
        XCTAssertTrue(other.stderr.contains("not this one") && other.stderr.contains("--force"), other.stderr)
        XCTAssertEqual(try contents(), first)
        XCTAssertEqual(try run(["run", s.path, "--seed", "12", "--shard", "2/3", "--out", holder.path, "--quiet", "--force"], in: dir).status, 0)
        XCTAssertNotEqual(try contents()["tallies.bin"], first["tallies.bin"])
    }

    func testABadSetOfShardsIsRefusedNamingTheFileAndNothingIsWritten() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try write(Self.smallRun, in: dir)
        let pristine = dir.appendingPathComponent("pristine")
        try shards("run", s, 3, into: pristine, in: dir)
        let foreign = dir.appendingPathComponent("foreign")
        try shards("run", s, 3, into: foreign, in: dir, extra: ["--seed", "99"])
        let fm = FileManager.default

        /// A fresh copy of the three good shards, damaged by `damage`; the merge must fail with
        /// every text of `expected` in its message and leave `out` unmade.
        func refused(_ name: String, expected: [String], extraPaths: [String] = [], _ damage: (URL) throws -> Void) throws {
            let holder = dir.appendingPathComponent("case-\(name)")
            try fm.copyItem(at: pristine, to: holder)
            try damage(holder)
            let out = dir.appendingPathComponent("out-\(name)")
            let r = try run(["merge", holder.path] + extraPaths + ["--out", out.path], in: dir)
            XCTAssertEqual(r.status, 65, "\(name): \(r.stdout)")
            for text in expected { XCTAssertTrue(r.stderr.contains(text), "\(name): '\(text)' not in: \(r.stderr)") }
            XCTAssertTrue(r.stderr.contains("nothing was written"), r.stderr)
            XCTAssertFalse(fm.fileExists(atPath: out.path), "\(name): the merge made its output folder")
        }
        let two = "shard-0002-of-0003"
        try refused("missing", expected: ["missing 1 of 3 shards (2)", two]) { try fm.removeItem(at: $0.appendingPathComponent(two)) }
        try refused("unfinished", expected: ["\(two)/shard.json: missing", "unfinished"]) {
            try fm.removeItem(at: $0.appendingPathComponent("\(two)/shard.json"))
        }
        try refused("truncated", expected: ["\(two)/tallies.bin: truncated"]) { h in
            let f = h.appendingPathComponent("\(two)/tallies.bin")
            let d = try Data(contentsOf: f)
            try d.prefix(d.count - 100).write(to: f)
        }
        try refused("corrupted", expected: ["\(two)/tallies.bin: corrupted"]) { h in
            let f = h.appendingPathComponent("\(two)/tallies.bin")
            var d = try Data(contentsOf: f)
            d[d.count / 2] ^= 0x01
            try d.write(to: f)
        }
        try refused("foreign", expected: ["\(two)/shard.json: foreign shard", "seed 99, not 11"]) { h in
            try fm.removeItem(at: h.appendingPathComponent(two))
            try fm.copyItem(at: foreign.appendingPathComponent(two), to: h.appendingPathComponent(two))
        }
        try refused("other-count", expected: ["foreign shard", "one of 2 shards, not 3"]) { h in
            try fm.removeItem(at: h.appendingPathComponent(two))
            try self.shards("run", s, 2, into: dir.appendingPathComponent("halves"), in: dir)
            try fm.copyItem(at: dir.appendingPathComponent("halves/shard-0002-of-0002"), to: h.appendingPathComponent("shard-0002-of-0002"))
        }
        let copy = dir.appendingPathComponent("copy")
        try fm.createDirectory(at: copy, withIntermediateDirectories: true)
        try fm.copyItem(at: pristine.appendingPathComponent(two), to: copy.appendingPathComponent(two))
        try refused("duplicated", expected: ["duplicated: shard 2/3 is also in"], extraPaths: [copy.path]) { _ in }
        // The good set still merges.
        XCTAssertEqual(try run(["merge", pristine.path, "--out", dir.appendingPathComponent("good").path], in: dir).status, 0)
    }

    func testShardArgumentsOutsideTheWorkAreRefusedBeforeAnythingRuns() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try write(Self.smallRun, in: dir)
        for bad in ["0/3", "4/3", "2", "a/b", "-1/3"] {
            let r = try run(["run", s.path, "--shard", bad, "--out", dir.appendingPathComponent("x").path], in: dir)
            XCTAssertEqual(r.status, 64, "--shard \(bad): \(r.stderr)")
        }
        let tooMany = try run(["run", s.path, "--shard", "1/7", "--out", dir.appendingPathComponent("x").path], in: dir)
        XCTAssertEqual(tooMany.status, 64)
        XCTAssertTrue(tooMany.stderr.contains("6 work units") && tooMany.stderr.contains("at most 6 shards"), tooMany.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
    }
}
