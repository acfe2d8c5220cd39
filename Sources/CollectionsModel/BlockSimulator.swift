import Foundation
import Stochastics

/// Simulates one block of accounts over the horizon under one strategy (MODEL.md §§1–5).
///
/// One instance per worker thread: it owns the block's stores and demand buffers, allocated
/// once, so `run` allocates nothing in its daily loop. Each day has three passes over the block:
/// (1) latent dynamics and the strategy's rule choice — messages go out at once, collector work
/// is queued; (2) collector capacity is shared by the strategy's priority rule and queued calls
/// and visits are made; (3) payments, DPD ageing, complaints and legal outcomes. Pass 3 of one
/// day and pass 1 of the next share a single sweep over the block.
public final class BlockSimulator {
    public let model: ModelParameters
    public let blockSize: Int
    private let template: AccountStore
    private let work: AccountStore
    private let callQueue: UnsafeMutableBufferPointer<Demand>
    private let visitQueue: UnsafeMutableBufferPointer<Demand>
    private let agencyQueue: UnsafeMutableBufferPointer<Demand>
    /// Each account's roll bucket at the start of the current 30-day month.
    private let rollBucket: UnsafeMutableBufferPointer<UInt8>
    private let decayByDPD: [Double]
    private let fatigueKeepPowers: [Double]
    private let installmentFallsDue: [Bool]
    private let c: Coefficients
    private let drawCounter: UnsafeMutablePointer<Int>

    struct Demand {
        var account: Int32
        var rule: Int32
        var key: Double
    }

    public init(model: ModelParameters, blockSize: Int) {
        self.model = model
        self.blockSize = blockSize
        template = AccountStore(capacity: blockSize)
        work = AccountStore(capacity: blockSize)
        callQueue = .allocate(capacity: blockSize)
        visitQueue = .allocate(capacity: blockSize)
        agencyQueue = .allocate(capacity: blockSize)
        rollBucket = .allocate(capacity: blockSize)
        c = Coefficients(model.table)
        let maxDPD = model.population.maxInitialDPD + model.horizonDays + 2
        let tau = model.table["payment.dpd_decay_days"]
        let floor = model.table["payment.dpd_decay_floor"]
        decayByDPD = (0...maxDPD).map { floor + (1 - floor) * exp(-Double($0) / tau) }
        let cycle = Int(model.table["payment.cycle_days"])
        installmentFallsDue = (0...maxDPD).map { $0 > 0 && $0 % cycle == 0 }
        let keep = 1 - model.table["fatigue.daily_decay"]
        fatigueKeepPowers = (0...model.horizonDays).map { pow(keep, Double($0)) }
        drawCounter = .allocate(capacity: 1)
        drawCounter.initialize(to: 0)
    }

    deinit {
        callQueue.deallocate(); visitQueue.deallocate(); agencyQueue.deallocate(); rollBucket.deallocate(); drawCounter.deallocate()
    }

    /// Random draws this simulator has made so far, population set-up included. The limit
    /// kernel in `benchmarks/` draws as many per borrower-day; counting costs one increment per
    /// draw (about 0.23 per borrower-day on the default scenario).
    public var drawsMade: Int { drawCounter.pointee }

    /// Draws the population of borrowers `first ..< first + count` for a replication; every
    /// following `run` starts from this same state (common random numbers).
    public func preparePopulation(seed: UInt64, replication: Int, first: Int, count: Int) {
        PopulationGenerator(model: model, drawCounter: drawCounter).fill(template, seed: seed, replication: replication, first: first, count: count)
    }

    /// Runs the prepared population under `strategy`, adding results into `tally`, and calling
    /// `perAccount` once per account at the horizon when it is given.
    public func run(_ strategy: CompiledStrategy, into tally: inout Tally, perAccount: ((AccountOutcome) -> Void)? = nil) {
        work.copy(from: template)
        let n = work.count
        let horizon = model.horizonDays
        let segmentCount = model.population.segments.count
        // Collector capacity for this block, carried fractionally so the long-run rate is exact.
        let callsPerDay = strategy.callsPer1000 * Double(n) / 1000
        let visitsPerDay = strategy.visitsPer1000 * Double(n) / 1000
        let agencyPerDay = c.agencyCallsPer1000 * Double(n) / 1000
        var offered = 0.0, used = 0.0

        for j in 0..<n {
            let defaulted = work.i(.defaultDay)[j] == -1
            let chargedOff = work.i(.chargeoffDay)[j] == -1
            tally.addInitial(defaulted: defaulted, chargedOff: chargedOff)
            rollBucket[j] = bucket(j)
        }
        let months = Tally.rollMonths(horizonDays: horizon)

        strategy.rules.withUnsafeBufferPointer { rules in
        strategy.agencyRules.withUnsafeBufferPointer { agencyRules in
        strategy.actions.withUnsafeBufferPointer { actions in
            let ctx = DayContext(store: work, model: model, c: c, strategy: strategy, rules: rules,
                                 agencyRules: agencyRules, actions: actions, decay: decayByDPD,
                                 installmentFallsDue: installmentFallsDue,
                                 fatigueKeepPowers: fatigueKeepPowers, drawCounter: drawCounter)
            var nCalls = 0, nVisits = 0, nAgency = 0
            // One sweep over the block a day: day t's settlement (pass 3) fused with day t + 1's
            // dynamics and rule pass (pass 1). Accounts do not interact in either pass, so each
            // still sees its own events in day order; only collectors (pass 2, between sweeps)
            // are shared out between accounts. The first sweep only opens day 0, the last only
            // settles the horizon's final day.
            var settling = -1
            while settling < horizon {
                let t = settling + 1
                let opening = t < horizon
                let dayBit: UInt8 = opening && model.nonWorking[t] ? 2 : 1
                if opening {
                    // Day t's slot of the 7-day contact rings starts empty (field-major: contiguous).
                    let ring = t % 7
                    work.u(AccountStore.U(rawValue: AccountStore.U.calls0.rawValue + ring)!).update(repeating: 0, count: n)
                    work.u(AccountStore.U(rawValue: AccountStore.U.contacts0.rawValue + ring)!).update(repeating: 0, count: n)
                }
                for j in 0..<n where ctx.closed[j] == 0 {
                    if settling >= 0 {
                        ctx.settleDay(j, settling, tally: &tally)
                        if ctx.closed[j] != 0 { continue }
                    }
                    guard opening else { continue }
                    ctx.dailyDynamics(j, t)
                    guard let (ruleIndex, isAgency) = ctx.chooseRule(j, dayBit: dayBit) else { continue }
                    let rule = isAgency ? agencyRules[ruleIndex] : rules[ruleIndex]
                    ctx.immediateActions(j, t, rule: rule, tally: &tally)
                    if rule.needsCall && ctx.hasDueWork(j, t, rule: rule, channel: .call) {
                        let d = Demand(account: Int32(j), rule: Int32(ruleIndex), key: ctx.priorityKey(j, isAgency ? .dpd : strategy.priority))
                        if isAgency { agencyQueue[nAgency] = d; nAgency += 1 } else { callQueue[nCalls] = d; nCalls += 1 }
                    }
                    if rule.needsVisit && !isAgency && ctx.hasDueWork(j, t, rule: rule, channel: .visit) {
                        visitQueue[nVisits] = Demand(account: Int32(j), rule: Int32(ruleIndex), key: ctx.priorityKey(j, strategy.priority))
                        nVisits += 1
                    }
                }
                // The end of a 30-day month: roll from each account's bucket at its start.
                if t % 30 == 0 && t > 0 && t / 30 <= months {
                    let month = t / 30 - 1
                    for j in 0..<n {
                        let b = bucket(j)
                        tally.addRoll(month: month, from: rollBucket[j], to: b)
                        rollBucket[j] = b
                    }
                }
                guard opening else { break }
                // Pass 2 of day t: collector capacity, then collector work.
                let callCap = Int((callsPerDay * Double(t + 1)).rounded(.down) - (callsPerDay * Double(t)).rounded(.down))
                let visitCap = Int((visitsPerDay * Double(t + 1)).rounded(.down) - (visitsPerDay * Double(t)).rounded(.down))
                let agencyCap = Int((agencyPerDay * Double(t + 1)).rounded(.down) - (agencyPerDay * Double(t)).rounded(.down))
                offered += Double(callCap)
                used += Double(ctx.serve(callQueue, count: nCalls, capacity: callCap, rules: rules, channel: .call, t: t, agency: false, tally: &tally))
                _ = ctx.serve(visitQueue, count: nVisits, capacity: visitCap, rules: rules, channel: .visit, t: t, agency: false, tally: &tally)
                _ = ctx.serve(agencyQueue, count: nAgency, capacity: agencyCap, rules: agencyRules, channel: .call, t: t, agency: true, tally: &tally)
                nCalls = 0; nVisits = 0; nAgency = 0
                settling = t
            }
        }}}
        tally.addCallCapacity(offered: offered, used: used)
        finish(n: n, segmentCount: segmentCount, tally: &tally, perAccount: perAccount)
    }

    /// An account's roll bucket (`Tally.rollBuckets`) at the end of a day: settled when paid
    /// off, charged off when past charge-off or closed by the courts unpaid, else by DPD.
    @inline(__always)
    private func bucket(_ j: Int) -> UInt8 {
        if work.d(.balance)[j] <= 0.005 { return 6 }
        if work.i(.chargeoffDay)[j] != Int32.max || work.u(.closed)[j] != 0 { return 5 }
        let d = work.i(.dpd)[j]
        return d <= 0 ? 0 : d < 30 ? 1 : d < 60 ? 2 : d < 90 ? 3 : d < 180 ? 4 : 5
    }

    /// Adds each account's end state into the tally.
    private func finish(n: Int, segmentCount: Int, tally: inout Tally, perAccount: ((AccountOutcome) -> Void)?) {
        let s = work
        for j in 0..<n {
            let seg = Int(s.u(.segment)[j])
            let grade = Int(s.u(.grade)[j])
            let stage = s.u(.entryStage)[j]
            let groups = GroupIndices(segment: UInt8(seg), grade: UInt8(grade), stage: stage, segmentCount: segmentCount)
            let dpd = s.i(.dpd)[j]
            let resolved = s.u(.closed)[j] != 0 && s.d(.balance)[j] <= 0.005 || dpd <= 0
            let everDelinquent = s.i(.delinquentSince)[j] >= 0
            tally.add(.accounts, 1, groups: groups)
            tally.add(.outstanding, s.d(.balance0)[j], groups: groups)
            tally.add(.collected, s.d(.collected)[j], groups: groups)
            if stage != EntryStage.current.rawValue {
                tally.add(.overdueAtEntry, s.d(.balance0)[j], groups: groups)
                if resolved { tally.add(.overdueRecovered, s.d(.balance0)[j], groups: groups) }
            }
            tally.add(.discountedCollected, s.d(.discounted)[j], groups: groups)
            tally.add(.costs, s.d(.costs)[j], groups: groups)
            tally.add(.commission, s.d(.commission)[j], groups: groups)
            if everDelinquent { tally.add(.everDelinquent, 1, groups: groups) }
            if s.i(.cureDay)[j] != Int32.max { tally.add(.cured, 1, groups: groups) }
            if s.i(.defaultDay)[j] != Int32.max { tally.add(.defaulted, 1, groups: groups) }
            if s.i(.chargeoffDay)[j] != Int32.max { tally.add(.chargedOff, 1, groups: groups) }
            if s.d(.balance)[j] <= 0.005 { tally.add(.settled, 1, groups: groups) }
            let rd = s.i(.resolvedDay)[j]
            if rd != Int32.max {
                tally.add(.resolved, 1, groups: groups)
                tally.addResolution(day: Int(rd - s.i(.delinquentSince)[j]), groups: groups)
            }
            let sat = s.d(.satisfaction)[j]
            tally.add(.satisfaction, sat, groups: groups)
            let logit = c.retentionIntercept + c.retentionSatisfaction * sat + (resolved ? c.retentionResolved : 0)
            tally.add(.retention, 1 / (1 + exp(-logit)), groups: groups)
            tally.add(.peakStress, s.d(.peakStress)[j], groups: groups)
            for field in DayContext.CountField.allCases {
                let v = s.i(AccountStore.I(rawValue: AccountStore.I.nMessages.rawValue + field.rawValue)!)[j]
                if v != 0 { tally.add(field.quantity, Double(v), groups: groups) }
            }
            tally.add(.willingness, s.d(.willingness)[j], groups: groups)
            tally.add(.literacy, s.d(.literacy)[j], groups: groups)
            if let perAccount {
                perAccount(AccountOutcome(segment: seg, grade: grade, entryStage: Int(stage), entryBalance: s.d(.balance0)[j],
                                          defaultDay: Int(s.i(.defaultDay)[j]), cureDay: Int(s.i(.cureDay)[j]),
                                          collected: s.d(.collected)[j], complaints: Int(s.i(.complaintCount)[j]), key: s.keys[j]))
            }
        }
    }
}

/// One account's outcome at the horizon (for per-account export and tests).
public struct AccountOutcome: Sendable {
    public let segment: Int
    public let grade: Int
    /// `EntryStage` raw value.
    public let entryStage: Int
    public let entryBalance: Double
    /// Day default was reached (−1: at entry; Int32.max: never within the horizon).
    public let defaultDay: Int
    /// Day of the first cure (Int32.max: none within the horizon).
    public let cureDay: Int
    public let collected: Double
    public let complaints: Int
    public let key: UInt64
}
