import Analysis
import Foundation
import Stochastics
import TestSupport
import XCTest

/// docs/model.md §3: with every action off and every other factor neutral, the engine reduces to
/// Chehrazi & Weber's autonomous account — intensity λ∞ + excitation, excitation reverting at
/// rate κ, each repayment of a fraction R of the balance (R ~ Beta) exciting the intensity by
/// δ10 + δ11·R, collections discounted at ρ.
///
/// The reference is the exact expected discounted collections of that process in the engine's
/// daily time, per unit of balance, v₀(0), computed independently of the simulation from
///   v_t(E) = p(E)·E_R[d_t R + (1 − R) v_{t+1}((E + δ10 + δ11 R) e^{−κ})] + (1 − p(E)) v_{t+1}(E e^{−κ}),
/// with p(E) = 1 − e^{−(λ∞ + E)}, d_t = e^{−ρt/365}, v_H = 0. Without excitation this is the
/// closed form Σ_t d_t p r̄ (1 − p r̄)^t, the daily counterpart of the paper's r̄λ∞/(r̄λ∞ + ρ).
final class ChehraziWeberReductionTests: XCTestCase {
    let lambdaInfinity = 0.01, kappa = 0.1, rho = 0.1, horizon = 360
    let fractionMean = 0.3, fractionConcentration = 4.0

    func scenario(delta10: Double, delta11: Double) -> String {
        """
        name: chehrazi-weber
        seed: 8
        replications: 8
        horizon_days: \(horizon)
        population:
          size: 20000
          delinquent_share: 1
        \(TestRun.neutralSegment(grade: 0, indent: "  "))
        model:
          metrics: {default_dpd: 1, chargeoff_dpd: 1}
          payment:
            base_hazard: {A: \(lambdaInfinity)}
            excitation_decay: \(kappa)
            repayment_jump_base: \(delta10)
            repayment_jump_fraction: \(delta11)
            discount_rate: \(rho)
            propensity_effect: 0
            willingness_effect: 0
            stress_effect: 0
            dpd_decay_floor: 1
            cure_share_able: 0
            promise_share: 0
            max_installments_able: 10000
            partial_fraction_mean: \(fractionMean)
            partial_fraction_concentration: \(fractionConcentration)
        strategies:
          nothing:
            rules:
              - when: {dpd: [100000, null]}
                do: sms
        """
    }

    /// Expected discounted collections per unit balance, by backward induction.
    func reference(delta10: Double, delta11: Double) -> Double {
        let beta = BetaDistribution(mean: fractionMean, concentration: fractionConcentration)
        let nodes = 200
        let r = (0..<nodes).map { beta.quantile((Double($0) + 0.5) / Double(nodes)) }
        let keep = exp(-kappa)
        let eMax = (delta10 + delta11) * keep / (1 - keep) + 1e-9
        let grid = delta10 + delta11 == 0 ? 1 : 2001
        let step = eMax / Double(max(grid - 1, 1))
        var next = [Double](repeating: 0, count: grid)
        func interpolate(_ v: [Double], _ e: Double) -> Double {
            if grid == 1 { return v[0] }
            let x = min(e / step, Double(grid - 1))
            let i = min(Int(x), grid - 2)
            let f = x - Double(i)
            return v[i] + f * (v[i + 1] - v[i])
        }
        for t in stride(from: horizon - 1, through: 0, by: -1) {
            let d = exp(-rho * Double(t) / 365)
            var current = [Double](repeating: 0, count: grid)
            for k in 0..<grid {
                let e = Double(k) * step
                let p = -expm1(-(lambdaInfinity + e))
                var paid = 0.0
                for x in r { paid += d * x + (1 - x) * interpolate(next, (e + delta10 + delta11 * x) * keep) }
                current[k] = p * paid / Double(nodes) + (1 - p) * interpolate(next, e * keep)
            }
            next = current
        }
        return next[0]
    }

    func check(delta10: Double, delta11: Double) throws {
        let result = try TestRun.analyze(scenario(delta10: delta10, delta11: delta11))
        let ci = try XCTUnwrap(result.estimate("npv_recovery_rate", strategy: "nothing"))
        let expected = reference(delta10: delta10, delta11: delta11)
        // Two checks in this file: each at the Bonferroni level 1 − 0.05/2.
        let widen = StudentT.quantile(1 - 0.025 / 2, degreesOfFreedom: Double(ci.n - 1)) / StudentT.quantile(0.975, degreesOfFreedom: Double(ci.n - 1))
        let half = widen * ci.halfWidth
        XCTAssertTrue(abs(ci.mean - expected) <= half, "simulated \(ci.mean) ± \(half) vs exact \(expected) (δ10 \(delta10), δ11 \(delta11))")
    }

    func testWithoutSelfExcitationMatchesTheClosedForm() throws {
        // Closed form and recursion agree when nothing excites.
        let rBar = fractionMean, p = -expm1(-lambdaInfinity)
        var closed = 0.0
        for t in 0..<horizon { closed += exp(-rho * Double(t) / 365) * p * rBar * pow(1 - p * rBar, Double(t)) }
        XCTAssertEqual(reference(delta10: 0, delta11: 0), closed, accuracy: 1e-4)
        try check(delta10: 0, delta11: 0)
    }

    func testWithSelfExcitationMatchesTheExactRecursion() throws {
        let excited = reference(delta10: 0.01, delta11: 0.05)
        XCTAssertGreaterThan(excited, reference(delta10: 0, delta11: 0), "repayments that excite must raise expected collections")
        try check(delta10: 0.01, delta11: 0.05)
    }
}
