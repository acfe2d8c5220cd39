import Foundation
import TestSupport
import XCTest

/// A cluster job carries its book as checked when prepared (`slurm/book.records`): shards read
/// neither the CSV nor each other's accounts, and the merge is the one-machine run's bytes.
final class BookShardTests: XCTestCase {
    func run(_ args: [String], in dir: URL) throws -> ProcessOutput {
        try TestProcess.run(TestRun.collectsimBinary, args, in: dir,
                            environment: TestProcess.reproducibleDate.merging(["COLLECTSIM_REGISTRY": dir.appendingPathComponent("r.sqlite").path]) { $1 })
    }

    func testShardsReadOnlyTheirOwnAccountsFromTheJobsRecordsAndMergeToTheLocalRun() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 5,000 accounts: five blocks, so 2 replications are ten work units.
        try Data("name: g\nseed: 4\npopulation: {size: 5000}\n".utf8).write(to: dir.appendingPathComponent("g.yaml"))
        XCTAssertEqual(try run(["portfolio", "g.yaml", "--out", "book.csv"], in: dir).status, 0)
        try Data("name: book-job\nseed: 9\nreplications: 2\nhorizon_days: 40\nstrategies: [graded, strict]\npopulation: {portfolio: book.csv}\n".utf8)
            .write(to: dir.appendingPathComponent("s.yaml"))
        let local = try run(["run", "s.yaml", "--out", "local", "--quiet"], in: dir)
        XCTAssertEqual(local.status, 0, local.stderr)
        let prepared = try run(["slurm", "s.yaml", "--tasks", "3", "--out", "job"], in: dir)
        XCTAssertEqual(prepared.status, 0, prepared.stderr)
        let slurm = dir.appendingPathComponent("job/slurm")
        let scenario = try String(contentsOf: slurm.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        XCTAssertTrue(scenario.contains("\n  records: \"book.records\"\n"), scenario)

        // The CSV is gone: the shards never read it.
        try FileManager.default.moveItem(at: dir.appendingPathComponent("book.csv"), to: dir.appendingPathComponent("moved.csv"))
        for k in 1...3 {
            let r = try run(["run", slurm.appendingPathComponent("scenario.yaml").path, "--shard", "\(k)/3", "--out", "job/shards", "--quiet"], in: dir)
            XCTAssertEqual(r.status, 0, "shard \(k)/3: \(r.stderr)")
        }
        // The merge checks the shards against the resolved scenario, which names the CSV.
        try FileManager.default.moveItem(at: dir.appendingPathComponent("moved.csv"), to: dir.appendingPathComponent("book.csv"))
        let merged = try run(["merge", "job/shards", "--out", "merged"], in: dir)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        for name in ["summary.json", "metrics.csv", "curves.csv", "report.md"] {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("merged/\(name)")), try Data(contentsOf: dir.appendingPathComponent("local/\(name)")), name)
        }

        // A byte of the first block (accounts 1–1024) changed. Shard 1/3 holds units 0–3
        // (replication 0, blocks 1–4) and shard 2/3 units 4–6 (block 5, then replication 1's
        // blocks 1–2): both read the first block and refuse before writing anything. Shard 3/3
        // (replication 1, blocks 3–5) never reads it and runs.
        let records = slurm.appendingPathComponent("book.records")
        var bytes = try Data(contentsOf: records)
        bytes[bytes.count - 5000 * 56 + 100] ^= 1
        try bytes.write(to: records)
        for k in 1...3 {
            let out = "again/shard-\(k)"
            let r = try run(["run", slurm.appendingPathComponent("scenario.yaml").path, "--shard", "\(k)/3", "--out", out, "--quiet"], in: dir)
            if k == 3 {
                XCTAssertEqual(r.status, 0, r.stderr)
            } else {
                XCTAssertNotEqual(r.status, 0)
                XCTAssertTrue(r.stderr.contains("the book's records file \(records.path) has changed since the job was prepared: accounts 1–1024 (block 1 of 5)"), r.stderr)
                let written = (try? FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent(out).path)) ?? []
                XCTAssertEqual(written.filter { !$0.hasSuffix(".lock") && !$0.hasPrefix("shard-") }, [], "nothing of shard \(k) is written")
            }
        }
    }
}
