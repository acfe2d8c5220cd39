import Analysis
import CollectionsModel
import Stochastics
import TestSupport
import XCTest

/// With few replications mean ± t·s/√n can leave a metric's range (`10.0 (-7.8–27.8)`
/// complaints at 2 replications); reported intervals are cut to the values a metric can take,
/// while precision rules keep the uncut half-width.
final class IntervalRangeTests: XCTestCase {
    func testIntervalsStayWithinWhatEachMetricCanTakeAndKeepTheirPrecision() throws {
        let run = try TestRun.run("""
        name: few
        seed: 3
        replications: 2
        horizon_days: 60
        population: {size: 400}
        strategies: [gentle, strict]
        """)
        let analysis = Analyzer.analyze(run)
        var cut = 0
        for e in analysis.estimates {
            let range = try XCTUnwrap(Metrics.byName[e.metric]).range
            guard e.interval.low.isFinite else { continue }
            XCTAssertGreaterThanOrEqual(e.interval.low, range.lowerBound, "\(e.strategy) \(e.group) \(e.metric)")
            XCTAssertLessThanOrEqual(e.interval.high, range.upperBound, "\(e.strategy) \(e.group) \(e.metric)")
            XCTAssertTrue(e.interval.low <= e.interval.mean && e.interval.mean <= e.interval.high, "\(e.metric)")
            if e.interval.mean - e.halfWidth < range.lowerBound || e.interval.mean + e.halfWidth > range.upperBound { cut += 1 }
        }
        XCTAssertGreaterThan(cut, 0, "the scenario must have intervals that reach past a metric's range, or this test checks nothing")
        for point in analysis.curves where point.interval.low.isFinite { XCTAssertGreaterThanOrEqual(point.interval.low, 0, point.curve) }
        for rate in analysis.rollRates where rate.interval.low.isFinite {
            XCTAssertGreaterThanOrEqual(rate.interval.low, 0)
            XCTAssertLessThanOrEqual(rate.interval.high, 1)
        }
    }

    func testNetRecoveryMayBeNegativeAndSharesStayBelowOne() {
        XCTAssertEqual(Metrics.byName["net_recovery_rate"]?.range.lowerBound, -.infinity)
        for share in ["default_rate", "cure_rate", "chargeoff_rate", "satisfaction"] { XCTAssertEqual(Metrics.byName[share]?.range, 0...1, share) }
        XCTAssertEqual(Metrics.byName["complaints_per_1000"]?.range.lowerBound, 0)
        let ci = ConfidenceInterval(mean: 0.2, low: -0.1, high: 1.3, n: 2).clamped(to: 0...1)
        XCTAssertEqual([ci.low, ci.mean, ci.high], [0, 0.2, 1])
        XCTAssertTrue(ConfidenceInterval(mean: 0.2, low: .nan, high: .nan, n: 1).clamped(to: 0...1).low.isNaN)
    }
}
