import Foundation
import Stochastics

/// Counselling, installment plans and deferrals.
///
/// - Counselling costs action.counselling.cost and raises literacy ℓ ← ℓ + g·(1 − ℓ); a counselled
///   account accepts and keeps plans more readily.
/// - A plan offered to an account in arrears is accepted with probability σ(x), x = a + b_w·w +
///   b_ℓ·ℓ + b_s·s + b_h·hardship + b_f·fee_waiver + b_c·counselled (plan.acceptance_*). It splits
///   the arrears into K installments, one every payment.cycle_days, after an optional down
///   payment; a waived fee costs plan.fee_rate of the arrears. Each installment is paid with
///   plan.keep_able or plan.keep_hardship (raised by plan.keep_counselling_boost); M misses break
///   the plan. The last installment cures the account.
/// - A deferral is taken up with deferral.uptake: DPD is frozen for D days, the payment hazard is
///   scaled by deferral.hazard_factor and hardship recovers at deferral.recovery_multiplier times
///   its rate.
extension DayContext {
    func counsel(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        last[j, a.kind] = Int32(t)
        costs[j] += c.counsellingCost
        if !has(j, .counselled) { tally.add(.counselled, 1, groups: groups(j)) }
        set(j, .counselled)
        literacy[j] += c.counsellingLiteracy * (1 - literacy[j])
    }

    func offerPlan(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        last[j, a.kind] = Int32(t)
        guard !has(j, .onPlan), arrears[j] > Money.settled, dpd[j] > 0 else { return }
        tally.add(.plansOffered, 1, groups: groups(j))
        var logit = c.planIntercept + c.planWillingness * willingness[j] + c.planLiteracy * literacy[j]
        logit += c.planStress * stress[j]
        if hardship[j] != 0 { logit += c.planHardship }
        if a.feeWaiver { logit += c.planFeeWaiver }
        if has(j, .counselled) { logit += c.planCounselling }
        guard u(j, t, .planAcceptance) < 1 / (1 + exp(-logit)) else { return }
        tally.add(.plansAccepted, 1, groups: groups(j))
        if a.feeWaiver { costs[j] += c.feeRate * arrears[j] }
        let down = a.downPayment * arrears[j]
        if down > 0 { pay(j, t, down, tally: &tally) }
        set(j, .onPlan)
        clear(j, .planBroken)
        clear(j, .promisePending)
        let k = max(1, a.installments)
        planRemaining[j] = k
        planAmount[j] = arrears[j] / Double(k)
        planNextDue[j] = Int32(t) + c.cycleDays
        planMisses[j] = 0
        planBreakAfter[j] = max(1, a.breakAfter)
        willingness[j] += c.planGain * (1 - willingness[j])
        satisfaction[j] = min(1, satisfaction[j] + c.satPlan)
    }

    func offerDeferral(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        last[j, a.kind] = Int32(t)
        guard !has(j, .inDeferral), !has(j, .onPlan), dpd[j] > 0 else { return }
        guard u(j, t, .planAcceptance) < c.deferralUptake else { return }
        tally.add(.deferrals, 1, groups: groups(j))
        set(j, .inDeferral)
        deferralUntil[j] = Int32(t) + a.deferralDays
        if hardship[j] != 0 { redrawSwitch(j, t, purpose: .capacityRedraw) }
        willingness[j] += c.planGain * (1 - willingness[j])
        satisfaction[j] = min(1, satisfaction[j] + c.satPlan)
    }

    /// A plan installment's date: paid (the arrears share plus the regular installment), or missed.
    @inline(__always)
    func planInstallmentDue(_ j: Int, _ t: Int, able: Bool, tally: inout Tally) {
        count(.datedEvent)
        var keep = able ? c.keepAble : c.keepHardship
        if has(j, .counselled) { keep += c.keepCounselling * (1 - keep) }
        if u(j, t, .planInstallment) < keep {
            // A plan installment: the arrears share plus the regular installment, which
            // keeps falling due while the arrears are being paid down.
            let arrearsBefore = arrears[j]
            let arrearsPart = min(planAmount[j], arrearsBefore)
            let regular = min(installment[j], max(0, balance[j] - arrearsBefore))
            pay(j, t, arrearsPart + regular, tally: &tally)
            if closed[j] == 0 { arrears[j] = max(0, arrearsBefore - arrearsPart) }
            planRemaining[j] -= 1
            if closed[j] != 0 {
                clear(j, .onPlan)
                tally.add(.plansCompleted, 1, groups: groups(j))
            } else if planRemaining[j] <= 0 || arrears[j] <= Money.settled {
                clear(j, .onPlan)
                tally.add(.plansCompleted, 1, groups: groups(j))
                if arrears[j] > Money.settled { pay(j, t, arrears[j], tally: &tally) }
                if closed[j] == 0 && arrears[j] <= Money.settled { cure(j, t, tally: &tally) }
            } else {
                planNextDue[j] += c.cycleDays
            }
        } else {
            planMisses[j] += 1
            planNextDue[j] += c.cycleDays
            if planMisses[j] >= planBreakAfter[j] {
                clear(j, .onPlan)
                set(j, .planBroken)
                tally.add(.plansBroken, 1, groups: groups(j))
                willingness[j] -= c.brokenPromiseLoss * willingness[j]
            }
        }
    }
}
