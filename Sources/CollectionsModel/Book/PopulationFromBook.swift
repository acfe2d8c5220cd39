import Foundation
import Stochastics

/// A lender's book as the population: what the file says is taken as it is, what it cannot
/// know is drawn as the generator draws it, given what it says.
///
/// - segment, grade, balance, installment, DPD and amount overdue come from the file; an account
///   at or beyond `metrics.chargeoff_dpd` is charged off with its whole balance due, as a
///   generated one is;
/// - the latent propensity z0 is drawn given segment, grade and DPD (`ConditionedPropensity`),
///   so a deep-delinquent account is weaker than a current one of the same grade;
/// - the capacity regime is drawn with the generator's probability for a current or a
///   delinquent account (`initial_hardship_current` / `_delinquent`), and is hardship for sure
///   when the file says hardship was reported;
/// - willingness, literacy, complaint propensity and tolerance, the clocks and, unless the file
///   gives them, the risk score and reachable channels are drawn from the segment's and grade's
///   distributions as for a generated account;
/// - the flags the file sets (`on_plan`, `promise_broken`, `hardship_reported`,
///   `complained_recently`) start set; an account on a plan pays its `installment` for its
///   `remaining_term` installments, the first one cycle after entry.
extension PopulationGenerator {
    func known(_ r: BookRecord, _ u: (Purpose) -> Double) -> Start {
        let pop = model.population
        let s = Int(r.segment), g = Int(r.grade)
        let z0 = model.knownPropensity!.draw(u(.latentPropensity), stratum: .init(r, maxInitialDPD: pop.maxInitialDPD))
        var risk = r.riskScore
        if risk.isNaN {
            let score = pop.segments[s].propensityShift + z0 + model.scoreNoise * StandardNormal.quantile(u(.scoreNoise))
            risk = StandardNormal.cdf((score - model.scoreMean) / model.scoreSD)
        }
        let chargedOff = r.dpd >= model.coefficients.chargeoffDPD
        let flags = KnownFlags(rawValue: r.flags)
        return Start(segment: s, grade: g, z0: z0, risk: risk, balance: r.balance, installment: r.installment,
                     dpd: r.dpd, arrears: chargedOff ? r.balance : r.overdue, chargedOff: chargedOff,
                     hardshipReported: flags.contains(.hardshipReported))
    }

    /// Sets what the file says beyond the generated fields: reachable channels and entry flags.
    func applyKnownState(_ r: BookRecord, to store: AccountStore, at j: Int) {
        if r.reach != 0xFF {
            let given = Reach(rawValue: r.reach)
            var reach: UInt8 = 0
            if given.contains(.phone) { reach |= 1 << UInt8(Channel.call.rawValue) | 1 << UInt8(Channel.visit.rawValue) }
            if given.contains(.sms) { reach |= 1 << UInt8(Channel.sms.rawValue) | 1 << UInt8(Channel.followup.rawValue) }
            if given.contains(.email) { reach |= 1 << UInt8(Channel.email.rawValue) }
            if given.contains(.app) { reach |= 1 << UInt8(Channel.push.rawValue) }
            store.u(.reach)[j] = reach
        }
        let known = KnownFlags(rawValue: r.flags)
        guard !known.isEmpty else { return }
        var flags = AccountFlags(rawValue: store.flags[j])
        if known.contains(.hardshipReported) { flags.insert(.hardshipReported) }
        if known.contains(.promiseBroken) { flags.insert(.promiseBroken) }
        if known.contains(.complainedRecently) {
            // Complained the day before entry: the flag clears after complaint.recent_days.
            flags.insert(.complainedRecently)
            store.i(.lastComplaint)[j] = -1
        }
        if known.contains(.onPlan) && !flags.contains(.chargedOff) {
            flags.insert(.onPlan)
            store.i(.planRemaining)[j] = max(1, r.remainingTerm)
            store.d(.planAmount)[j] = r.installment
            store.i(.planNextDue)[j] = model.coefficients.cycleDays
            store.i(.planMisses)[j] = 0
            store.i(.planBreakAfter)[j] = model.coefficients.entryPlanBreakAfter
        }
        store.flags[j] = flags.rawValue
    }
}
