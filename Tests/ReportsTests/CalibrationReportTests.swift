import Experiments
import Foundation
import Reports
import TestSupport
import XCTest

/// What the calibration's report says of a fit that ran out of evaluations before a minimum:
/// no standard errors, and why.
final class CalibrationReportTests: XCTestCase {
    func testAFitThatRanOutOfEvaluationsIsReportedWithoutStandardErrors() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let observed = try CalibrationFixture.observedFile(seed: 999, in: dir)
        let scenario = try CalibrationFixture.fitScenario(seed: 4, replications: 2, population: 1000, maxEvaluations: 3, start: (0.3, 80),
                                                          observed: observed, in: dir)
        let outcome = try CalibrateExperiment.run(scenario, observed: observed.path, in: dir, threads: nil, stop: nil, progress: nil)
        try outcome.write(to: dir)
        XCTAssertTrue(outcome.consoleSummary.contains("no standard errors: the search ran out of evaluations before a minimum"), outcome.consoleSummary)
        let rows = try String(contentsOf: dir.appendingPathComponent("calibration.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 3, "a header and one row per parameter")
        for row in rows.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(fields[3...6], ["", "", "", ""], "std_error, ci_low, ci_high and std_error_scaled empty: \(row)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["ending"] as? String, CalibrateExperiment.budgetSpent)
    }
}
