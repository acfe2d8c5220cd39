import Foundation
import TestSupport
import XCTest

/// `benchmarks/same-accounts`: the Numba peer, given the engine's keyed draws and cohort,
/// reproduces the engine borrower by borrower — the start of every account, every account's
/// outcome under every strategy, and every month-end state — and the check fails when the
/// peer's borrowers are other ones.
final class PeerAccountAgreementTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var script: URL { root.appendingPathComponent("benchmarks/same-accounts") }
    var bin: URL { TestRun.collectsimBinary.deletingLastPathComponent() }

    override func setUpWithError() throws {
        try TestProcess.ensurePythonPackages(["numpy", "yaml", "numba"], pipNames: ["yaml": "PyYAML"])
    }

    /// Reads the counts the script wrote: rows and differing rows of each compared file.
    func results(_ json: URL) throws -> [String: [String: Double]] {
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let results = try XCTUnwrap(doc["results"] as? [String: [String: Any]])
        return results.mapValues { $0.compactMapValues { ($0 as? NSNumber)?.doubleValue } }
    }

    func testTheNumbaPeerReproducesEveryAccountMonthAndOutcomeOfTheEngine() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("agreement.json")
        let r = try TestProcess.shell("'\(script.path)' --bin '\(bin.path)' --population 1000 --replications 2 --json '\(json.path)'")
        XCTAssertEqual(r.status, 0, r.stdout.suffix(4000).description)
        let found = try results(json)
        // 4 strategies × 2 replications × 1,000 accounts; replication 1's 13 month ends (entry and 12).
        XCTAssertEqual(found["cohort"]?["rows"], 8000)
        XCTAssertEqual(found["accounts"]?["rows"], 8000)
        XCTAssertEqual(found["history"]?["rows"], 4 * 1000 * 13)
        // The stated allowance is 0.1% of rows (floating-point order flipping a comparison); on
        // this scenario none differ, and a row that starts to is a change to look at.
        for (name, counts) in found { XCTAssertEqual(counts["differing"], 0, "\(name): \(r.stdout)") }
    }

    func testTheCheckFailsWhenThePeerDrawsOtherBorrowers() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("agreement.json")
        let r = try TestProcess.shell("'\(script.path)' --bin '\(bin.path)' --population 300 --replications 1 --cohort-only --peer-seed 8 --json '\(json.path)'")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("They disagree."), r.stdout)
        let cohort = try XCTUnwrap(try results(json)["cohort"])
        XCTAssertEqual(cohort["rows"], 1200)
        XCTAssertGreaterThan(cohort["differing"] ?? 0, 1100, "another seed draws other borrowers almost everywhere")
    }
}
