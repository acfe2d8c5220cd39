import Foundation
import TestSupport
import XCTest

/// `benchmarks/same-accounts`: the Numba and NumPy peers, given the engine's keyed draws and
/// cohort, reproduce the engine borrower by borrower — the start of every account, every
/// account's outcome under every strategy, and every month-end state — and the check fails when
/// the peer's borrowers are other ones.
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

    /// Runs `same-accounts` against `peer` and returns its exit status, output and counts.
    func sameAccounts(_ arguments: String) throws -> (status: Int32, stdout: String, found: [String: [String: Double]]) {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("agreement.json")
        let r = try TestProcess.shell("'\(script.path)' --bin '\(bin.path)' \(arguments) --json '\(json.path)'")
        return (r.status, r.stdout, try results(json))
    }

    /// Every row of every file agrees: 4 strategies × `replications` × `population` cohort and
    /// outcome rows, and replication 1's 13 month ends (entry and 12) per strategy and account.
    func assertEveryRowAgrees(peer: String, population: Int, replications: Int) throws {
        let r = try sameAccounts("--peer \(peer) --population \(population) --replications \(replications)")
        XCTAssertEqual(r.status, 0, r.stdout.suffix(4000).description)
        XCTAssertEqual(r.found["cohort"]?["rows"], Double(4 * replications * population))
        XCTAssertEqual(r.found["accounts"]?["rows"], Double(4 * replications * population))
        XCTAssertEqual(r.found["history"]?["rows"], Double(4 * population * 13))
        // The stated allowance is 0.1% of rows (floating-point order flipping a comparison); on
        // this scenario none differ, and a row that starts to is a change to look at.
        for (name, counts) in r.found { XCTAssertEqual(counts["differing"], 0, "\(peer) \(name): \(r.stdout)") }
    }

    func testTheNumbaPeerReproducesEveryAccountMonthAndOutcomeOfTheEngine() throws {
        try assertEveryRowAgrees(peer: "numba", population: 1000, replications: 2)
    }

    func testTheNumPyPeerReproducesEveryAccountMonthAndOutcomeOfTheEngine() throws {
        try assertEveryRowAgrees(peer: "numpy", population: 2000, replications: 2)
    }

    func testTheOutcomeCheckFailsWhenTheNumPyPeerRunsOtherBorrowers() throws {
        let r = try sameAccounts("--peer numpy --population 500 --replications 1 --peer-seed 8")
        XCTAssertEqual(r.status, 1, r.stdout)
        for name in ["accounts", "history"] {
            let counts = try XCTUnwrap(r.found[name], name)
            XCTAssertGreaterThan(counts["differing"] ?? 0, 0.5 * (counts["rows"] ?? 0), "\(name): another seed's accounts differ")
        }
    }

    func testTheCheckFailsWhenThePeerDrawsOtherBorrowers() throws {
        let r = try sameAccounts("--population 300 --replications 1 --cohort-only --peer-seed 8")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("They disagree."), r.stdout)
        let cohort = try XCTUnwrap(r.found["cohort"])
        XCTAssertEqual(cohort["rows"], 1200)
        XCTAssertGreaterThan(cohort["differing"] ?? 0, 1100, "another seed draws other borrowers almost everywhere")
    }
}
