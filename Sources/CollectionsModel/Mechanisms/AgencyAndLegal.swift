import Foundation
import Stochastics

/// Agency placement and legal action.
///
/// - Placement hands the account to the agency's rules (`agency_firm` unless the strategy names
///   others), served by the agency's own callers (agency.calls_per_day_per_1000, skill
///   agency.skill); the agency keeps its commission rate on everything collected after.
/// - A lawsuit costs action.legal.filing_cost; it may be disputed (legal.dispute_probability) or
///   bring a complaint (legal.complaint_probability). The court date comes after a log-normal
///   delay (legal.delay_median_days, legal.delay_sigma); there, with probability
///   legal.judgment_probability, a Beta-distributed fraction of the balance is recovered. Either
///   way the account is closed: no rule applies to it while the suit is pending.
extension DayContext {
    /// Places the account with the agency (action `a`, kind agency) unless it already is.
    @inline(__always)
    func place(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        guard !has(j, .placed) else { return }
        set(j, .placed)
        commissionRate[j] = a.commission
        last[j, a.kind] = Int32(t)
        tally.add(.placements, 1, groups: groups(j))
    }

    /// Files the legal action. Kept out of line: inlined, the optimiser computed its three
    /// draws' hashes ahead of the action loop on every call, though few accounts are ever sued.
    @inline(never)
    func fileLawsuit(_ j: Int, _ t: Int, tally: inout Tally) {
        set(j, .legalPending)
        let delay = max(1, model.legalDelay.quantile(u(j, t, .legalDelay)).rounded())
        legalDay[j] = Int32(min(Double(Int32.max - 1), Double(t) + delay))
        costs[j] += c.legalFilingCost
        tally.add(.lawsuits, 1, groups: groups(j))
        if u(j, t, .dispute) < c.disputeProbability { tally.add(.disputes, 1, groups: groups(j)) }
        if u(j, t, .legalOutcome) < c.legalComplaint { complain(j, t, tally: &tally, draw: false) }
    }

    /// The court date: judgment (a recovered fraction of the balance) or not, and the account closes.
    @inline(__always)
    func courtDate(_ j: Int, _ t: Int, tally: inout Tally) {
        count(.datedEvent)
        clear(j, .legalPending)
        if u(j, t, .legalOutcome) < c.judgment {
            pay(j, t, model.legalFraction(u(j, t, .legalFraction)) * balance[j], tally: &tally, ends: true)
            markResolved(j, t)
        }
        closed[j] = 1
    }
}
