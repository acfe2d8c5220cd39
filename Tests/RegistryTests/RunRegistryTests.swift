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

    /// Recording one finished folder twice (a resume after a kill between the record and the
    /// checkpoint's removal) keeps one row, with its metrics once; another folder is another row.
    func testRecordingTheSameFinishedFolderAgainReplacesItsRow() throws {
        let registry = try RunRegistry(path: temporaryPath())
        let first = try registry.record(try data(seed: 7, recovery: (0.5, 0.49, 0.51)), folder: "/runs/a", commandLine: "")
        let again = try registry.record(try data(seed: 7, recovery: (0.5, 0.49, 0.51)), folder: "/runs/a", commandLine: "")
        _ = try registry.record(try data(seed: 7, recovery: (0.5, 0.49, 0.51)), folder: "/runs/b", commandLine: "")
        XCTAssertEqual(try registry.runs().map(\.folder), ["/runs/a", "/runs/b"])
        XCTAssertNil(try registry.run(first))
        XCTAssertEqual(try registry.metrics(again, group: nil).count, 3)
    }

    /// The same for an experiment: a resume after a kill between the record and the
    /// evaluations' removal keeps one row, with its results once.
    func testRecordingTheSameFinishedExperimentFolderAgainReplacesItsRow() throws {
        let registry = try RunRegistry(path: temporaryPath())
        let entry = RunRegistry.ExperimentEntry(kind: "sweep", scenario: "unit", scenarioHash: String(repeating: "cd", count: 32), seed: "3",
                                                evaluations: 2, budget: 2, version: "0.1.0", partial: false, headline: "h",
                                                rows: [.init(item: "1", strategy: "s", metric: "recovery_rate", value: 0.5, low: 0.4, high: 0.6, n: 2)])
        let first = try registry.record(experiment: entry, folder: "/x/a", commandLine: "")
        let again = try registry.record(experiment: entry, folder: "/x/a", commandLine: "")
        _ = try registry.record(experiment: entry, folder: "/x/b", commandLine: "")
        XCTAssertEqual(try registry.experiments().map(\.folder), ["/x/a", "/x/b"])
        XCTAssertNil(try registry.experiment(first))
        XCTAssertEqual(try registry.experiment(again)?.rows.count, 1)
    }

    /// A truncated or overwritten registry is refused on opening, and left as it was.
    func testADamagedRegistryIsRefusedAndNotWrittenInto() throws {
        let path = temporaryPath()
        _ = try registry(at: path).record(try data(seed: 1, recovery: (0.5, 0.49, 0.51)), folder: "a", commandLine: "")
        for damage in [Data(repeating: 0x41, count: 4096), Data("SQLite format 3\0".utf8) + Data(repeating: 0xFF, count: 4080)] {
            try? FileManager.default.removeItem(atPath: path + "-wal")
            try? FileManager.default.removeItem(atPath: path + "-shm")
            try damage.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try RunRegistry(path: path)) { error in
                XCTAssertTrue(error is RunRegistry.Damaged, "\(error)")
                XCTAssertTrue("\(error)".contains("move it aside (mv \(path) \(path).damaged)"), "\(error)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), damage)
        }
    }

    func registry(at path: String) throws -> RunRegistry { try RunRegistry(path: path) }

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
