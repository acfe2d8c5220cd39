import Foundation
import Stochastics

/// Repayment: a self-exciting intensity (the repayment-intensity view of collections).
///
/// - A current account pays its installment on the due date with probability 1 − e^(−h),
///       h = due_hazard_grade · capacity · e^(β_w(w − ½) + β_ℓ(ℓ − ½)) / (1 + β_s·s) · (1 + due_excitation_weight · excitation),
///   due_hazard_grade = −ln(1 − on_time_probability_grade); unpaid, it becomes 1 DPD.
/// - A delinquent account's payment intensity is
///       λ = base_grade · m_i · decay(DPD) · capacity · e^(β_w(w − ½)) / (1 + β_s·s) · δ_deferral + excitation,
///   with m_i = e^(−β_z(shift_seg + z0)) the account's propensity, capacity 1 when able and
///   payment.hardship_factor in hardship. A payment happens when the integrated intensity passes
///   an Exp(1) clock (so P(payment today) = 1 − e^(−λ)). It is a cure (the arrears, when
///   capacity allows: at most max_installments installments at once), a promise to pay in
///   payment.promise_days, or a partial payment of a Beta-distributed fraction of what can be paid.
/// - Each payment of a fraction r of the balance excites the intensity by δ10 + δ11·r
///   (payment.repayment_jump_base, _fraction), which decays by e^(−payment.excitation_decay) a day.
/// - Ageing: DPD grows by one a day; every payment.cycle_days another installment falls due;
///   default and charge-off are recorded when first reached (charge-off makes the whole balance due).
extension DayContext {
    /// The due date of a current account: the installment is paid, or the account becomes 1 DPD.
    @inline(__always)
    func dueDate(_ j: Int, _ t: Int, able: Bool, tally: inout Tally) {
        count(.datedEvent)
        let capacity = able ? 1 : c.hardshipFactor
        let wEffect = exp(c.willingnessEffect * (willingness[j] - 0.5) + c.literacyEffect * (literacy[j] - 0.5)) / (1 + c.stressEffect * stress[j])
        let h = model.dueHazard[Int(grade[j])] * capacity * wEffect * (1 + c.dueExcitationWeight * excitation[j])
        if u(j, t, .dueDatePayment) < -expm1(-h) {
            pay(j, t, min(installment[j], balance[j]), tally: &tally, scheduled: true)
            if closed[j] == 0 { dpd[j] = 1 - c.cycleDays }
        } else {
            arrears[j] = min(balance[j], arrears[j] + installment[j])
            dpd[j] = 1
            if delinquentSince[j] < 0 { delinquentSince[j] = Int32(t) + 1 }
        }
    }

    /// A promise's date: kept (the promised amount, up to the arrears) or broken.
    @inline(__always)
    func promiseDate(_ j: Int, _ t: Int, able: Bool, tally: inout Tally) {
        count(.datedEvent)
        clear(j, .promisePending)
        if u(j, t, .promiseKept) < (able ? c.promiseKeptAble : c.promiseKeptHardship) {
            pay(j, t, min(promiseAmount[j], arrears[j]), tally: &tally)
        } else {
            set(j, .promiseBroken)
            willingness[j] -= c.brokenPromiseLoss * willingness[j]
        }
    }

    /// e^(β_w(w − ½)), the willingness factor of the payment intensity.
    @inline(__always)
    func willingnessFactor(_ w: Double) -> Double { exp(c.willingnessEffect * (w - 0.5)) }

    /// The payment intensity λ of a delinquent account (see the top of this file), from the
    /// grade's base hazard times the account's propensity (`baseRate`), decay(DPD), the capacity
    /// factor, the willingness factor, stress, the deferral factor and the excitation. The short
    /// path for quiet days (`QuietDays.swift`) calls it too, so both give the same bits.
    @inline(__always)
    func arrearsIntensity(baseRate: Double, decay: Double, capacity: Double, willingnessFactor: Double, stress: Double,
                          deferralFactor: Double, excitation: Double) -> Double {
        let wEffect = willingnessFactor / (1 + c.stressEffect * stress)
        let base = baseRate * decay * capacity * wEffect
        return base * deferralFactor + excitation
    }

    /// A delinquent account's day: the payment clock runs down by λ, and a payment (cure,
    /// promise or partial payment) happens when it crosses zero.
    @inline(__always)
    func arrearsHazard(_ j: Int, _ t: Int, dpd d: Int32, able: Bool, tally: inout Tally) {
        // e^(β_w(w − 0.5)) is cached per account and recomputed only when w has moved.
        if cachedWillingness[j] != willingness[j] {
            cachedWillingness[j] = willingness[j]
            willingnessFactor[j] = willingnessFactor(willingness[j])
        }
        let lambda = arrearsIntensity(baseRate: model.baseHazard[Int(grade[j])] * baseMultiplier[j], decay: decay[Int(d)],
                                      capacity: able ? 1 : c.hardshipFactor, willingnessFactor: willingnessFactor[j], stress: stress[j],
                                      deferralFactor: has(j, .inDeferral) ? c.deferralHazard : 1, excitation: excitation[j])
        // Exponential clock: an event when the cumulative hazard passes an Exp(1) draw,
        // so P(event today | none before) = 1 − e^(−λ) with a draw only at events.
        paymentClock[j] -= lambda
        guard paymentClock[j] <= 0 else { return }
        count(.clockEvent)
        paymentClock[j] = -log(u(j, t, .payment))
        // What the borrower can pay at once is bounded by capacity (in installments).
        let payable = min(arrears[j], installment[j] * (able ? c.maxInstallmentsAble : c.maxInstallmentsHardship))
        let kind = u(j, t, .paymentKind)
        let cureShare = able ? c.cureShareAble : c.cureShareHardship
        if kind < cureShare && payable >= arrears[j] {
            pay(j, t, arrears[j], tally: &tally)
        } else if kind >= cureShare && (kind - cureShare) / (1 - cureShare) < c.promiseShare {
            set(j, .promisePending)
            clear(j, .promiseBroken)
            promiseDue[j] = Int32(t) + Int32(c.promiseDays)
            promiseAmount[j] = payable
        } else {
            pay(j, t, model.partialFraction(u(j, t, .paymentFraction)) * payable, tally: &tally)
        }
    }

    /// One day of ageing of a delinquent account: DPD grows, another installment falls due every
    /// 30 days, and default and charge-off are recorded when first reached.
    @inline(__always)
    func age(_ j: Int, _ t: Int, tally: inout Tally) {
        let d = dpd[j] + 1
        dpd[j] = d
        if installmentFallsDue[Int(d)] && !has(j, .chargedOff) {
            count(.datedEvent)
            arrears[j] = min(balance[j], arrears[j] + installment[j])
        }
        if d == c.defaultDPD && defaultDay[j] == Int32.max {
            count(.datedEvent)
            defaultDay[j] = Int32(t)
            tally.addCurve(.defaults, day: t, 1)
        }
        if d == c.chargeoffDPD && chargeoffDay[j] == Int32.max {
            count(.datedEvent)
            chargeoffDay[j] = Int32(t)
            set(j, .chargedOff)
            arrears[j] = balance[j]
            tally.addCurve(.chargeoffs, day: t, 1)
        }
    }

    /// A payment: collections, commission, self-excitation (δ10 + δ11·r), and cure or settlement.
    func pay(_ j: Int, _ t: Int, _ amount: Double, tally: inout Tally, scheduled: Bool = false, ends: Bool = false) {
        let before = balance[j]
        let paid = min(max(amount, 0), before)
        guard paid > 0 else { return }
        balance[j] = before - paid
        arrears[j] = max(0, arrears[j] - paid)
        collected[j] += paid
        discounted[j] += paid * model.discount[t]
        if has(j, .placed) { commission[j] += paid * commissionRate[j] }
        excitation[j] += c.jumpBase + c.jumpFraction * paid / before
        tally.addCurve(.collected, day: t, paid)
        if ends { return }
        if balance[j] <= Money.settled {
            closed[j] = 1
            markResolved(j, t)
            if dpd[j] > 0 { markCured(j, t, tally: &tally) }
            return
        }
        if !scheduled && dpd[j] > 0 && arrears[j] <= Money.settled && !has(j, .onPlan) { cure(j, t, tally: &tally) }
    }

    /// Arrears fully paid: the account is current again, with its next installment due in 30 days.
    func cure(_ j: Int, _ t: Int, tally: inout Tally) {
        markCured(j, t, tally: &tally)
        markResolved(j, t)
        dpd[j] = 1 - c.cycleDays
        arrears[j] = 0
        clear(j, [.promisePending, .promiseBroken, .planBroken, .inDeferral])
    }

    @inline(__always)
    func markCured(_ j: Int, _ t: Int, tally: inout Tally) {
        satisfaction[j] = min(1, satisfaction[j] + c.satCure)
        if cureDay[j] == Int32.max {
            cureDay[j] = Int32(t)
            tally.addCurve(.cures, day: t, 1)
        }
    }

    @inline(__always)
    func markResolved(_ j: Int, _ t: Int) {
        if delinquentSince[j] >= 0 && resolvedDay[j] == Int32.max { resolvedDay[j] = Int32(t) }
    }
}
