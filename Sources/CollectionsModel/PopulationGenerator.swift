import Foundation
import Stochastics

/// Draws the start state of accounts. An account's draws are keyed by (seed, replication,
/// borrower) on day −1, so the same borrower is the same person under every strategy and
/// whichever block or thread builds it.
struct PopulationGenerator {
    let model: ModelParameters
    let drawCounter: UnsafeMutablePointer<Int>

    /// Fills `store` with borrowers `first ..< first + count` of `replication`.
    func fill(_ store: AccountStore, seed: UInt64, replication: Int, first: Int, count: Int) {
        store.setCount(count)
        let p = model.table
        let pop = model.population
        let setupDay = -1
        let defaultDPD = Int32(p["metrics.default_dpd"])
        let chargeoffDPD = Int32(p["metrics.chargeoff_dpd"])
        let gradeRho = p["risk.grade_correlation"]
        let gradeNoise = (1 - gradeRho * gradeRho).squareRoot()
        let entryRho = p["risk.entry_correlation"]
        let entryNoise = (1 - entryRho * entryRho).squareRoot()
        let propensityEffect = p["payment.propensity_effect"]
        let kappaMedian = p["complaint.propensity_median"]
        let kappaSigma = p["complaint.propensity_sigma"]
        let tolMin = p["complaint.tolerance_min"]
        let tolMax = max(tolMin, p["complaint.tolerance_max"])
        let initialSatisfaction = p["satisfaction.initial"]

        for j in 0..<count {
            let key = StreamKey(seed: seed, replication: replication, borrower: first + j)
            store.keys[j] = key.rawValue
            func u(_ purpose: Purpose) -> Double {
                drawCounter.pointee &+= 1
                return key.uniform(day: setupDay, purpose: purpose)
            }

            var s = 0
            let us = u(.segment)
            while s < model.segmentCumulative.count - 1 && us > model.segmentCumulative[s] { s += 1 }
            let seg = pop.segments[s]
            store.u(.segment)[j] = UInt8(s)

            let z0 = StandardNormal.quantile(u(.latentPropensity))
            let z = seg.propensityShift + z0
            let gradeSignal = StandardNormal.cdf(gradeRho * z0 + gradeNoise * StandardNormal.quantile(u(.gradeNoise)))
            var g = 0
            let cum = model.gradeCumulative[s]
            while g < cum.count - 1 && gradeSignal > cum[g] { g += 1 }
            store.u(.grade)[j] = UInt8(g)
            let score = z + model.scoreNoise * StandardNormal.quantile(u(.scoreNoise))
            store.d(.risk)[j] = StandardNormal.cdf((score - model.scoreMean) / model.scoreSD)
            store.d(.baseMultiplier)[j] = exp(-propensityEffect * z)

            let balance = LogNormalDistribution(median: seg.balanceMedian, sigma: seg.balanceSigma).quantile(u(.balance))
            let termSpan = seg.termMonthsMax - seg.termMonthsMin + 1
            let term = seg.termMonthsMin + min(termSpan - 1, Int(u(.term) * Double(termSpan)))
            let installment = balance / Double(max(term, 1))
            store.d(.balance)[j] = balance
            store.d(.balance0)[j] = balance
            store.d(.installment)[j] = installment

            var flags: AccountFlags = []
            // Entry signal e = ρ_e·z0 + √(1 − ρ_e²)·ε on the uniform scale: the top
            // delinquent_share of it is delinquent at entry, and its rank among them sets the
            // exponential DPD depth, so deeper delinquency goes with weaker borrowers when ρ_e > 0.
            let entrySignal = entryRho == 0 ? u(.startState)
                : StandardNormal.cdf(entryRho * z0 + entryNoise * StandardNormal.quantile(u(.startState)))
            let delinquent = entrySignal > 1 - pop.delinquentShare
            var dpd: Int32
            var arrears = 0.0
            if delinquent {
                let depth = max(0, (entrySignal - (1 - pop.delinquentShare)) / pop.delinquentShare)
                let raw = (-pop.initialDPDMean * log1p(-min(depth, 1 - 1e-12))).rounded(.up)
                dpd = Int32(min(Double(pop.maxInitialDPD), max(1, raw)))
                arrears = min(balance, installment * Double(1 + Int(dpd) / Int(p["payment.cycle_days"])))
                if dpd >= chargeoffDPD { arrears = balance; flags.insert(.chargedOff) }
            } else {
                dpd = -Int32(min(pop.dueWithinDays - 1, Int(u(.initialDPD) * Double(pop.dueWithinDays))))
            }
            store.i(.dpd)[j] = dpd
            store.d(.arrears)[j] = arrears
            let stage: EntryStage = !delinquent ? .current : dpd >= defaultDPD ? .defaulted : .delinquent
            store.u(.entryStage)[j] = UInt8(stage.rawValue)
            store.i(.delinquentSince)[j] = delinquent ? 0 : -1
            store.i(.defaultDay)[j] = delinquent && dpd >= defaultDPD ? -1 : Int32.max
            store.i(.chargeoffDay)[j] = delinquent && dpd >= chargeoffDPD ? -1 : Int32.max
            store.i(.cureDay)[j] = Int32.max
            store.i(.resolvedDay)[j] = Int32.max

            let hardshipP = delinquent ? seg.initialHardshipDelinquent : seg.initialHardshipCurrent
            let inHardship = u(.initialHardship) < hardshipP
            store.u(.hardship)[j] = inHardship ? 1 : 0
            let switchP = inHardship ? seg.recoveryRate : min(1, seg.hardshipRate * model.table["capacity.macro_stress"])
            store.i(.nextSwitch)[j] = RegimeClock.nextSwitch(after: setupDay, probability: switchP, uniform: u(.capacitySwitch))
            store.d(.paymentClock)[j] = -log(u(.payment))
            store.d(.complaintClock)[j] = -log(u(.complaint))
            store.d(.willingness)[j] = model.willingnessTables[g](u(.willingness))
            store.d(.literacy)[j] = model.literacyTables[s](u(.literacy))
            store.d(.kappa)[j] = LogNormalDistribution(median: kappaMedian * seg.complaintMultiplier, sigma: kappaSigma).quantile(u(.complaintPropensity))
            store.i(.tolerance)[j] = Int32(tolMin + (u(.complaintTolerance) * (tolMax - tolMin + 1)).rounded(.down))
            var reach: UInt8 = 0
            if u(.reachPhone) < seg.reachPhone { reach |= 1 << UInt8(Channel.call.rawValue) | 1 << UInt8(Channel.visit.rawValue) }
            if u(.reachSMS) < seg.reachSMS { reach |= 1 << UInt8(Channel.sms.rawValue) | 1 << UInt8(Channel.followup.rawValue) }
            if u(.reachEmail) < seg.reachEmail { reach |= 1 << UInt8(Channel.email.rawValue) }
            if u(.reachApp) < seg.reachApp { reach |= 1 << UInt8(Channel.push.rawValue) }
            store.u(.reach)[j] = reach
            store.d(.satisfaction)[j] = initialSatisfaction
            store.flags[j] = flags.rawValue

            // Dynamic fields start empty.
            store.d(.cachedWillingness)[j] = -1
            for f in [AccountStore.D.collected, .discounted, .costs, .commission, .promiseAmount, .planAmount,
                      .commissionRate, .stress, .peakStress, .excitation, .pressure,
                      .fatigue0, .fatigue1, .fatigue2, .fatigue3, .fatigue4, .fatigue5] {
                store.d(f)[j] = 0
            }
            let never = Int32.min / 2
            for f in [AccountStore.I.promiseDue, .planNextDue, .deferralUntil, .legalDay, .educationDay] {
                store.i(f)[j] = Int32.max
            }
            for f in [AccountStore.I.planRemaining, .planMisses, .planBreakAfter, .coolOffUntil,
                      .nMessages, .nFollowups, .nCallAttempts, .nCallsConnected, .nVisits, .nBlocked, .nViolations, .complaintCount,
                      .fatigueDay0, .fatigueDay1, .fatigueDay2, .fatigueDay3, .fatigueDay4, .fatigueDay5] { store.i(f)[j] = 0 }
            store.i(.lastContact)[j] = 0
            for f in [AccountStore.I.lastConversation, .lastComplaint,
                      .last0, .last1, .last2, .last3, .last4, .last5, .last6, .last7, .last8, .last9, .last10, .last11] {
                store.i(f)[j] = never
            }
            store.u(.closed)[j] = 0
            for k in 0..<7 {
                store.u(AccountStore.U(rawValue: AccountStore.U.calls0.rawValue + k)!)[j] = 0
                store.u(AccountStore.U(rawValue: AccountStore.U.contacts0.rawValue + k)!)[j] = 0
            }
        }
    }
}
