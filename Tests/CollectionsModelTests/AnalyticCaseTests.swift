import Analysis
import Foundation
import Stochastics
import TestSupport
import XCTest

/// With every action off and every other factor neutral, a delinquent account pays (and, with
/// every payment a full cure, cures) at a constant daily hazard λ. Accounts start at DPD 1 on
/// day 0 and reach default (DPD 90) at the end of day 88 unless they paid on days 0…88, so
///   D(day ≥ 89) = exp(−89λ),   cure(t) = 1 − exp(−λt) for t ≤ 89 (curves count days from 1).
final class AnalyticCaseTests: XCTestCase {
    let lambda = 0.02

    func scenario(lambda: Double) -> String {
        """
        name: constant-hazard
        seed: 5
        replications: 12
        horizon_days: 150
        population:
          size: 20000
          delinquent_share: 1
          initial_dpd_mean: 1
          max_initial_dpd: 1
        \(TestRun.neutralSegment(grade: 2, indent: "  "))
        model:
          payment:
            base_hazard: {C: \(lambda)}
            on_time_probability: {C: 0.9999}
            propensity_effect: 0
            willingness_effect: 0
            literacy_effect: 0
            stress_effect: 0
            dpd_decay_floor: 1
            repayment_jump_base: 0
            repayment_jump_fraction: 0
            cure_share_able: 1
        strategies:
          nothing:
            rules:
              - when: {dpd: [100000, null]}
                do: sms
        """
    }

    func testDefaultAndCureCurvesMatchTheClosedForm() throws {
        let result = try TestRun.analyze(scenario(lambda: lambda))
        // Six checks, Bonferroni-corrected to a 95% family: each interval is widened from the
        // reported 95% to the 1 − 0.05/6 level.
        let n = Double(result.replications)
        let widen = StudentT.quantile(1 - 0.025 / 6, degreesOfFreedom: n - 1) / StudentT.quantile(0.975, degreesOfFreedom: n - 1)
        func point(_ curve: String, _ day: Int) -> (mean: Double, low: Double, high: Double) {
            let p = result.curves.first { $0.curve == curve && $0.day == day }!.interval
            return (p.mean, p.mean - widen * p.halfWidth, p.mean + widen * p.halfWidth)
        }
        // Before day 89 nobody can have defaulted.
        XCTAssertEqual(point("default", 88).mean, 0)
        for day in [89, 120, 150] {
            let expected = exp(-89 * lambda)
            let p = point("default", day)
            XCTAssertTrue(p.low <= expected && expected <= p.high, "default curve day \(day): \(p) vs \(expected)")
        }
        for day in [10, 30, 60] {
            let expected = 1 - exp(-lambda * Double(day))
            let p = point("cure", day)
            XCTAssertTrue(p.low <= expected && expected <= p.high, "cure curve day \(day): \(p) vs \(expected)")
        }
    }
}
