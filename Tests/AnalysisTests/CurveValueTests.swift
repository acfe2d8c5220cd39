import Analysis
import CollectionsModel
import TestSupport
import XCTest

/// Calibration reads curve points with `Analyzer.curveValue`; they must be exactly the points
/// `curves.csv` reports, or observed data taken from a run would not be the model's own.
final class CurveValueTests: XCTestCase {
    func testACurvePointIsTheMeanOfEachReplicationsCurveValue() throws {
        let run = try TestRun.run("""
        name: curves
        seed: 2
        replications: 3
        horizon_days: 40
        population: {size: 2000}
        strategies: [graded]
        """)
        let analysis = Analyzer.analyze(run)
        for kind in CurveKind.allCases {
            for day in [1, 17, 40] {
                let point = analysis.curves.first { $0.curve == kind.name && $0.day == day }!
                let values = run.tallies[0].map { Analyzer.curveValue($0, kind, day: day) }
                XCTAssertEqual(values.reduce(0, +) / 3, point.interval.mean, accuracy: 1e-12 * max(1, abs(point.interval.mean)), "\(kind.name) day \(day)")
            }
        }
    }
}
