@testable import CollectionsModel
import XCTest

/// The daily loop replaces a few per-day comparisons by days computed once; these must say
/// exactly what the comparisons said.
final class DayArithmeticTests: XCTestCase {
    /// Neglect sets in k days after the last contact when Double(k) ≥ neglect_after_days; the
    /// loop compares k with `leastWholeDays(atLeast:)` instead.
    func testLeastWholeDaysAgreesWithTheDoubleComparison() {
        let thresholds: [Double] = [0, 0.1, 0.5, 1, 29.5, 30, 30.000001, 59.999999, -0.5, -3, 1e300, -1e300,
                                    .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        for a in thresholds {
            let least = Coefficients.leastWholeDays(atLeast: a)
            for k in -400...400 {
                XCTAssertEqual(k >= least, Double(k) >= a, "threshold \(a), k = \(k)")
            }
        }
    }

    /// Months are 30 days; the settlement of day 30·m − 1 ends month m − 1, for the horizon's
    /// whole months only.
    func testMonthEndsAreTheSettlementsBeforeEachThirtiethDay() {
        for horizon in [1, 29, 30, 31, 59, 60, 90, 359, 360, 365] {
            let calendar = DayCalendar(horizon: horizon, nonWorking: [Bool](repeating: false, count: horizon))
            for s in 0..<horizon {
                let expected: Int? = (s + 1) % 30 == 0 && (s + 1) / 30 <= calendar.rollMonths ? (s + 1) / 30 - 1 : nil
                XCTAssertEqual(calendar.monthEnded(bySettlementOf: s), expected, "horizon \(horizon), day \(s)")
                let next = (s..<horizon).first { calendar.monthEnded(bySettlementOf: $0) != nil } ?? Int.max
                XCTAssertEqual(calendar.nextMonthEndSettlement(from: s), next, "horizon \(horizon), from day \(s)")
                let firstMonth = (s..<horizon).lazy.compactMap { calendar.monthEnded(bySettlementOf: $0) }.first
                XCTAssertEqual(calendar.firstMonthEnded(onOrAfterSettlementOf: s), firstMonth, "horizon \(horizon), on or after day \(s)")
            }
        }
    }
}
