import Analysis
import Foundation
import TestSupport
import XCTest

/// The steps in the cure curve (days 181–187 and 211–217 in the default run) are installment
/// plans completing: an account on a plan cures when its last installment clears the arrears,
/// so plans agreed together complete together, n × `payment.cycle_days` later.
final class CureCurveStepTests: XCTestCase {
    /// Day of the largest day-over-day rise of the cure curve within `window`.
    func steepestCureDay(installments: Int, within window: ClosedRange<Int>) throws -> Int {
        let result = try TestRun.analyze("""
        name: plans-\(installments)
        seed: 12
        replications: 2
        horizon_days: 200
        population: {size: 6000}
        strategies:
          plans:
            description: From 30 DPD, firm calls and a plan of \(installments) installments offered every 30 days.
            rules:
              - when: {dpd: [30, 179]}
                do:
                  - {action: call, every_days: 4, slot: evening, tone: firm}
                  - {action: installment, every_days: 30, installments: \(installments)}
        """)
        let cure = result.curves.filter { $0.strategy == "plans" && $0.curve == "cure" }.sorted { $0.day < $1.day }
        let rises = zip(cure.dropFirst(), cure).map { ($0.day, $0.interval.mean - $1.interval.mean) }.filter { window ~= $0.0 }
        return try XCTUnwrap(rises.max { $0.1 < $1.1 }?.0)
    }

    func testTheCureCurveStepsWhereInstallmentPlansComplete() throws {
        // Accounts 30–89 DPD at entry are offered a plan on day 1; those who accept then complete
        // it n cycles later, in the week the first payments spread over: within three weeks
        // either side, the curve rises most there.
        for n in [4, 5] {
            let day = try steepestCureDay(installments: n, within: (n * 30 - 20)...(n * 30 + 20))
            XCTAssertTrue((1 + n * 30)...(1 + n * 30 + 6) ~= day, "\(n) installments: steepest rise on day \(day), expected \(1 + n * 30)–\(1 + n * 30 + 6)")
        }
    }
}
