import Foundation
import Registry
import Reports
import XCTest

final class RunRegistryTests: XCTestCase {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("collectsim-registry-\(UUID().uuidString)/runs.sqlite").path
    }

    /// A run's report data with one strategy and the given recovery estimate.
    func data(seed: Int, recovery: (Double, Double, Double)) throws -> ReportData {
        let summary = """
        {"scenario": "unit", "scenario_sha256": "\(String(repeating: "ab", count: 32))", "seed": \(seed), "replications": 4,
         "population": 100, "horizon_days": 30, "version": "0.1.0", "partial": false, "baseline": "s", "strategies": ["s"]}
        """
        let metrics = """
        strategy,segment,metric,mean,ci_low,ci_high,n
        s,all,recovery_rate,\(recovery.0),\(recovery.1),\(recovery.2),4
        s,all,complaints_per_1000,2.0,1.0,3.0,4
        s,grade_A,recovery_rate,0.9,0.8,1.0,4
        """
        return try ReportData(summary: summary, metrics: metrics, comparison: "strategy,baseline,group,metric,diff,ci_low,ci_high,p_value,relative,relative_ci_low,relative_ci_high\n",
                              curves: "strategy,curve,day,mean,ci_low,ci_high\n")
    }

    func testARecordedRunReadsBackWithEveryMetric() throws {
        let registry = try RunRegistry(path: temporaryPath())
        let id = try registry.record(try data(seed: 7, recovery: (0.5, 0.49, 0.51)), folder: "/runs/a", commandLine: "collectsim run a.yaml")
        let run = try XCTUnwrap(registry.run(id))
        XCTAssertEqual(run.scenario, "unit")
        XCTAssertEqual(run.seed, "7")
        XCTAssertEqual(run.folder, "/runs/a")
        XCTAssertEqual(run.commandLine, "collectsim run a.yaml")
        XCTAssertTrue(run.headline.contains("recovery 50.0%"), run.headline)
        XCTAssertEqual(try registry.metrics(id).map(\.metric), ["complaints_per_1000", "recovery_rate"])
        XCTAssertEqual(try registry.metrics(id, group: nil).count, 3)
        XCTAssertNil(try registry.run(id + 1))
    }

    func testDiffSaysWhichMetricsMovedBeyondTheirCIs() throws {
        let registry = try RunRegistry(path: temporaryPath())
        let a = try registry.record(try data(seed: 1, recovery: (0.50, 0.49, 0.51)), folder: "a", commandLine: "")
        let b = try registry.record(try data(seed: 2, recovery: (0.53, 0.52, 0.54)), folder: "b", commandLine: "")
        let c = try registry.record(try data(seed: 3, recovery: (0.51, 0.50, 0.52)), folder: "c", commandLine: "")
        let moved = try registry.diff(a, b).first { $0.metric == "recovery_rate" }
        XCTAssertEqual(try XCTUnwrap(moved).difference, 0.03, accuracy: 1e-12)
        XCTAssertTrue(try XCTUnwrap(moved).beyondCIs, "0.03 > √(0.01² + 0.01²)")
        XCTAssertFalse(try XCTUnwrap(registry.diff(a, c).first { $0.metric == "recovery_rate" }).beyondCIs, "0.01 < 0.014")
        XCTAssertFalse(try XCTUnwrap(registry.diff(a, b).first { $0.metric == "complaints_per_1000" }).beyondCIs)
    }
}
