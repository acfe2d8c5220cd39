import Foundation
import TestSupport
import XCTest

/// `benchmarks/compare` end to end on a tiny population: CollectSim and the NumPy, Numba and
/// Mesa peers all run, agree, and fill the table, per core. Speed is not judged here.
final class BenchmarkCompareTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var compare: URL { root.appendingPathComponent("benchmarks/compare") }

    func testSmokeRunAgreesAndReportsEveryImplementation() throws {
        let dir = TestRun.temporaryDirectory()
        let json = dir.appendingPathComponent("compare.json")
        let bin = TestRun.collectsimBinary.deletingLastPathComponent()
        let r = try TestProcess.shell("'\(compare.path)' --smoke --bin '\(bin.path)' --json '\(json.path)'")
        XCTAssertEqual(r.status, 0, "compare failed:\n\(r.stdout.suffix(4000))")
        XCTAssertTrue(r.stdout.contains("The four models agree on every checked metric."), r.stdout)
        for row in ["| CollectSim |", "| NumPy peer |", "| Numba peer |", "| Mesa peer |",
                    "CollectSim / NumPy peer, per core:", "CollectSim / Numba peer, per core:", "CollectSim / Mesa peer, per core:"] {
            XCTAssertTrue(r.stdout.contains(row), "missing \(row)")
        }
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual(doc["disagreements"] as? Int, 0)
        // Equivalence (TOST) of every peer, on every checked pair: a smoke run is too small to
        // show it, so only its presence and size are checked here.
        let equivalence = try XCTUnwrap(doc["equivalence"] as? [String: [String: Any]])
        XCTAssertEqual(Set(equivalence.keys), ["numpy", "numba", "mesa"])
        for (peer, e) in equivalence {
            let total = try XCTUnwrap(e["total"] as? Int, peer), shown = try XCTUnwrap(e["shown"] as? Int, peer)
            XCTAssertEqual(total, 4 * 10, peer)
            XCTAssertEqual((e["not_shown"] as? [Any])?.count, total - shown, peer)
        }
        let results = try XCTUnwrap(doc["results"] as? [String: [String: Any]])
        let cores = ProcessInfo.processInfo.activeProcessorCount
        XCTAssertEqual(Set(results.keys), Set(["collectsim", "numpy", "numba", "mesa"] + (cores > 1 ? ["numpy_all_cores"] : [])))
        for (name, result) in results {
            let rate = try XCTUnwrap(result["borrower_days_per_second"] as? Double, name)
            XCTAssertGreaterThan(rate, 0, name)
            XCTAssertGreaterThan(result["peak_rss_bytes"] as? Double ?? 0, 0, name)
            // Per core: the rate over the cores the implementation used.
            let used = try XCTUnwrap(result["cores"] as? Int, name)
            XCTAssertEqual(used, ["collectsim", "numpy_all_cores"].contains(name) ? cores : 1, name)
            XCTAssertEqual(try XCTUnwrap(result["borrower_days_per_second_per_core"] as? Double, name), rate / Double(used), accuracy: rate * 1e-12, name)
        }
        let ratios = try XCTUnwrap(doc["ratios"] as? [String: Double])
        let perCore = { (k: String) in results[k]!["borrower_days_per_second_per_core"] as! Double }
        XCTAssertEqual(ratios["numpy"]!, perCore("collectsim") / perCore("numpy"), accuracy: 1e-9 * ratios["numpy"]!)
        let draws = try XCTUnwrap(results["collectsim"]?["draws_per_borrower_day"] as? Double)
        XCTAssertGreaterThan(draws, 0.01)
        XCTAssertLessThan(draws, 10)
        for peer in ["numpy", "numba", "mesa"] {
            let metrics = try XCTUnwrap(results[peer]?["metrics"] as? [String: [String: [String: Any]]], peer)
            XCTAssertEqual(Set(metrics.keys), ["gentle", "strict", "graded", "personalized"])
        }
        // The NumPy and Numba peers run on the engine's draws and cohort, so their accounts are
        // the engine's and so are their metrics, but for the order of the sums (a few ulps).
        let engine = try XCTUnwrap(results["collectsim"]?["metrics"] as? [String: [String: [String: Any]]])
        var compared = 0
        for peer in ["numpy", "numba"] {
            let metrics = try XCTUnwrap(results[peer]?["metrics"] as? [String: [String: [String: Any]]], peer)
            for (strategy, byMetric) in engine {
                for metric in ["recovery_rate", "cure_rate", "default_rate", "chargeoff_rate", "complaints_per_1000", "satisfaction"] {
                    let x = try XCTUnwrap(byMetric[metric]?["mean"] as? Double, "\(strategy) \(metric)")
                    let y = try XCTUnwrap(metrics[strategy]?[metric]?["mean"] as? Double, "\(peer) \(strategy) \(metric)")
                    XCTAssertEqual(y, x, accuracy: 1e-9 * max(abs(x), 1e-12), "\(peer) \(strategy) \(metric)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 2 * 4 * 6)
    }

    /// The agreement check can fail: a peer whose recovery rate is off by ten standard errors
    /// disagrees, one off by a tenth of a standard error agrees.
    func testAgreementCheckFlagsAModelThatDiffers() throws {
        try TestProcess.ensurePythonPackages(["scipy"])
        let script = """
        import importlib.machinery, importlib.util, sys
        loader = importlib.machinery.SourceFileLoader("compare", sys.argv[1])
        spec = importlib.util.spec_from_loader("compare", loader)
        compare = importlib.util.module_from_spec(spec)
        loader.exec_module(compare)
        from scipy.stats import t
        se = 0.01
        half = se * t.ppf(0.975, 3)
        def m(mean): return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": 4}
        base = {"s": {"recovery_rate": m(0.60)}}
        far = {"s": {"recovery_rate": m(0.60 + 10 * se)}}
        near = {"s": {"recovery_rate": m(0.60 + 0.1 * se)}}
        print(compare.agreement(base, far, ["recovery_rate"], 0.01, 1)[0][-1])
        print(compare.agreement(base, near, ["recovery_rate"], 0.01, 1)[0][-1])
        """
        let dir = TestRun.temporaryDirectory()
        let file = dir.appendingPathComponent("check.py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let r = try TestProcess.shell("python3 '\(file.path)' '\(compare.path)'")
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), ["DISAGREE", "ok"])
    }
}
