import Foundation
import Stochastics

/// Draws the start state of accounts. An account's draws are keyed by (seed, replication,
/// borrower) on day −1, so the same borrower is the same person under every strategy and
/// whichever block or thread builds it. With a lender's book the borrower is the hash of the
/// account id, and the observable start comes from the book (`PopulationFromBook.swift`).
struct PopulationGenerator {
    let model: ModelParameters
    let drawCounter: UnsafeMutablePointer<Int>

    /// Fills `store` with borrowers `first ..< first + count` of `replication`; with a book,
    /// its accounts are read into `bookRecords` (at least `count` long) first.
    func fill(_ store: AccountStore, seed: UInt64, replication: Int, first: Int, count: Int,
              bookRecords: UnsafeMutableBufferPointer<BookRecord> = .init(start: nil, count: 0)) {
        store.setCount(count)
        let c = model.coefficients
        let pop = model.population
        let setupDay = -1
        let defaultDPD = c.defaultDPD
        let chargeoffDPD = c.chargeoffDPD
        let propensityEffect = c.propensityEffect
        let kappaMedian = c.complaintPropensityMedian
        let kappaSigma = c.complaintPropensitySigma
        let tolMin = c.toleranceMin
        let tolMax = c.toleranceMax
        let initialSatisfaction = c.initialSatisfaction

        let book = model.population.book
        book?.read(first..<(first + count), into: bookRecords)
        for j in 0..<count {
            let key = book != nil ? StreamKey(seed: seed, replication: replication, borrower: Int(Int64(bitPattern: bookRecords[j].idKey)))
                : StreamKey(seed: seed, replication: replication, borrower: first + j)
            store.keys[j] = key.rawValue
            func u(_ purpose: Purpose) -> Double {
                drawCounter.pointee &+= 1
                return key.uniform(day: setupDay, purpose: purpose)
            }

            let start = book != nil ? known(bookRecords[j], u) : generated(u)
            let s = start.segment, g = start.grade
            let seg = pop.segments[s]
            store.u(.segment)[j] = UInt8(s)
            store.u(.grade)[j] = UInt8(g)
            store.d(.risk)[j] = start.risk
            store.d(.baseMultiplier)[j] = exp(-propensityEffect * (seg.propensityShift + start.z0))
            store.d(.balance)[j] = start.balance
            store.d(.balance0)[j] = start.balance
            store.d(.installment)[j] = start.installment
            let delinquent = start.dpd > 0
            let dpd = start.dpd
            let flags: AccountFlags = start.chargedOff ? [.chargedOff] : []
            store.i(.dpd)[j] = dpd
            store.d(.arrears)[j] = start.arrears
            let stage: EntryStage = !delinquent ? .current : dpd >= defaultDPD ? .defaulted : .delinquent
            store.u(.entryStage)[j] = UInt8(stage.rawValue)
            store.i(.delinquentSince)[j] = delinquent ? 0 : -1
            store.i(.defaultDay)[j] = delinquent && dpd >= defaultDPD ? -1 : Int32.max
            store.i(.chargeoffDay)[j] = delinquent && dpd >= chargeoffDPD ? -1 : Int32.max
            store.i(.cureDay)[j] = Int32.max
            store.i(.resolvedDay)[j] = Int32.max

            let hardshipP = delinquent ? seg.initialHardshipDelinquent : seg.initialHardshipCurrent
            let inHardship = start.hardshipReported || u(.initialHardship) < hardshipP
            store.u(.hardship)[j] = inHardship ? 1 : 0
            let switchP = inHardship ? seg.recoveryRate : min(1, seg.hardshipRate * c.macroStress)
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
            for f in [AccountStore.I.lastConversation, .lastComplaint] { store.i(f)[j] = never }
            for k in 0..<ActionKind.count { store.i(.last0)[j, k] = never }
            store.u(.closed)[j] = 0
            for k in 0..<7 {
                store.u(AccountStore.U(rawValue: AccountStore.U.calls0.rawValue + k)!)[j] = 0
                store.u(AccountStore.U(rawValue: AccountStore.U.contacts0.rawValue + k)!)[j] = 0
            }
            if book != nil { applyKnownState(bookRecords[j], to: store, at: j) }
        }
    }

    /// What a generated account looks like at entry: the observable start and its latent z0.
    struct Start {
        var segment: Int, grade: Int
        var z0: Double
        var risk: Double
        var balance: Double, installment: Double
        var dpd: Int32, arrears: Double
        var chargedOff: Bool
        var hardshipReported = false
    }

    /// Draws an account's observable start (docs/model.md §1): segment, z0 and the grade and
    /// entry signals correlated with it, the risk score, balance, term and DPD.
    func generated(_ u: (Purpose) -> Double) -> Start {
        let c = model.coefficients
        let pop = model.population
        var s = 0
        let us = u(.segment)
        while s < model.segmentCumulative.count - 1 && us > model.segmentCumulative[s] { s += 1 }
        let seg = pop.segments[s]
        let gradeRho = c.gradeCorrelation, entryRho = c.entryCorrelation

        let z0 = StandardNormal.quantile(u(.latentPropensity))
        let z = seg.propensityShift + z0
        let gradeSignal = StandardNormal.cdf(gradeRho * z0 + (1 - gradeRho * gradeRho).squareRoot() * StandardNormal.quantile(u(.gradeNoise)))
        var g = 0
        let cum = model.gradeCumulative[s]
        while g < cum.count - 1 && gradeSignal > cum[g] { g += 1 }
        let score = z + model.scoreNoise * StandardNormal.quantile(u(.scoreNoise))
        let risk = StandardNormal.cdf((score - model.scoreMean) / model.scoreSD)

        let balance = LogNormalDistribution(median: seg.balanceMedian, sigma: seg.balanceSigma).quantile(u(.balance))
        let termSpan = seg.termMonthsMax - seg.termMonthsMin + 1
        let term = seg.termMonthsMin + min(termSpan - 1, Int(u(.term) * Double(termSpan)))
        let installment = balance / Double(max(term, 1))

        // Entry signal e = ρ_e·z0 + √(1 − ρ_e²)·ε on the uniform scale: the top
        // delinquent_share of it is delinquent at entry, and its rank among them sets the
        // exponential DPD depth, so deeper delinquency goes with weaker borrowers when ρ_e > 0.
        let entrySignal = entryRho == 0 ? u(.startState)
            : StandardNormal.cdf(entryRho * z0 + (1 - entryRho * entryRho).squareRoot() * StandardNormal.quantile(u(.startState)))
        let delinquent = entrySignal > 1 - pop.delinquentShare
        var dpd: Int32
        var arrears = 0.0
        var chargedOff = false
        if delinquent {
            let depth = max(0, (entrySignal - (1 - pop.delinquentShare)) / pop.delinquentShare)
            let raw = (-pop.initialDPDMean * log1p(-min(depth, 1 - 1e-12))).rounded(.up)
            dpd = Int32(min(Double(pop.maxInitialDPD), max(1, raw)))
            arrears = min(balance, installment * Double(1 + Int(dpd) / Int(c.cycleDays)))
            if dpd >= c.chargeoffDPD { arrears = balance; chargedOff = true }
        } else {
            dpd = -Int32(min(pop.dueWithinDays - 1, Int(u(.initialDPD) * Double(pop.dueWithinDays))))
        }
        return Start(segment: s, grade: g, z0: z0, risk: risk, balance: balance, installment: installment,
                     dpd: dpd, arrears: arrears, chargedOff: chargedOff)
    }
}
