import Foundation
import Stochastics

/// Simulates one block of accounts over the horizon under one strategy (docs/model.md §§1–5).
///
/// One instance per worker thread: it owns the block's stores and demand buffers, allocated
/// once, so `run` allocates nothing in its daily loop. Each day has three passes: (1) latent
/// dynamics and the strategy's rule choice — messages go out at once, collector work is queued;
/// (2) collector capacity is shared by the strategy's priority rule and queued calls and visits
/// are made; (3) payments, DPD ageing, complaints and legal outcomes. Only pass 2 involves more
/// than one account, so passes 3 and 1 run account by account between an account's collector
/// days (see `run`).
public final class BlockSimulator {
    public let model: ModelParameters
    public let blockSize: Int
    private let template: AccountStore
    private let work: AccountStore
    private let callQueue: UnsafeMutableBufferPointer<Demand>
    private let visitQueue: UnsafeMutableBufferPointer<Demand>
    private let agencyQueue: UnsafeMutableBufferPointer<Demand>
    /// Each account's roll bucket at the start of the current 30-day month, with what it has been
    /// seen in at month ends (`Tally.addRoll`).
    private let rollState: UnsafeMutableBufferPointer<UInt8>
    /// The day whose pass 2 each account waits for (Int32.max: none, closed or at the horizon),
    /// with the rule and the work it asks for then.
    private let waitsFor: UnsafeMutableBufferPointer<Int32>
    private let pendingRule: UnsafeMutableBufferPointer<Int32>
    private let pendingWork: UnsafeMutableBufferPointer<UInt8>
    /// The accounts waiting for the current day, in account order.
    private let waitingToday: UnsafeMutableBufferPointer<Int32>
    /// A block of a lender's book, read when its population is drawn (empty without a book).
    private let bookRecords: UnsafeMutableBufferPointer<BookRecord>
    private let calendar: DayCalendar
    /// Whether quiet days take the short path (`DayContext.quietDays`); off only in tests, which
    /// check that both paths give the same bits.
    var skipsQuietDays = true
    /// Each account's state at entry and at every month end (`months + 1` per account), while
    /// histories are recorded; nil otherwise.
    private var history: UnsafeMutableBufferPointer<MonthEndState>?
    /// Whether `run` records each account's monthly history into its `AccountOutcome`. Quiet
    /// days are then simulated in full, which gives the same bits (`QuietDaysTests`), so that
    /// every month end passes through one place.
    public var recordsHistory: Bool {
        get { history != nil }
        set {
            guard newValue != recordsHistory else { return }
            if newValue {
                history = .allocate(capacity: blockSize * (calendar.rollMonths + 1))
            } else {
                history?.deallocate()
                history = nil
            }
        }
    }
    /// Whether a day after a pass 2 whose rule has collector work due again goes straight to the
    /// full day (see `carry`); off only in tests, which check what the guess saves.
    var guessesCollectorDays = true
    /// Account-days taken on the short path, then the times it was tried.
    private let shortPathCounters: UnsafeMutablePointer<Int>
    private let c: Coefficients
    private let drawCounter: UnsafeMutablePointer<Int>
    /// Engine events by `EngineEvent` (counted only in a `-DCOLLECTSIM_EVENTS` build).
    private let events: UnsafeMutablePointer<Int>
    private let invariants: AccountInvariants

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
        rollState = .allocate(capacity: blockSize)
        waitsFor = .allocate(capacity: blockSize)
        pendingRule = .allocate(capacity: blockSize)
        pendingWork = .allocate(capacity: blockSize)
        waitingToday = .allocate(capacity: blockSize)
        bookRecords = .allocate(capacity: model.population.book == nil ? 0 : blockSize)
        calendar = DayCalendar(horizon: model.horizonDays, nonWorking: model.nonWorking)
        c = model.coefficients
        invariants = AccountInvariants(model: model)
        drawCounter = .allocate(capacity: 1)
        drawCounter.initialize(to: 0)
        events = .allocate(capacity: EngineEvent.allCases.count)
        events.initialize(repeating: 0, count: EngineEvent.allCases.count)
        shortPathCounters = .allocate(capacity: 2)
        shortPathCounters.initialize(repeating: 0, count: 2)
    }

    deinit {
        callQueue.deallocate(); visitQueue.deallocate(); agencyQueue.deallocate(); rollState.deallocate(); drawCounter.deallocate()
        history?.deallocate()
        waitsFor.deallocate(); pendingRule.deallocate(); pendingWork.deallocate(); waitingToday.deallocate(); bookRecords.deallocate()
        shortPathCounters.deallocate(); events.deallocate()
    }

    /// Random draws this simulator has made so far, population set-up included, which
    /// `collectsim run` prints per borrower-day; counting costs one increment per draw (about
    /// 0.23 per borrower-day on the default scenario).
    public var drawsMade: Int { drawCounter.pointee }

    /// Engine events so far, by `EngineEvent` (all zero unless built with `-DCOLLECTSIM_EVENTS`).
    public var eventCounts: [Int] { (0..<EngineEvent.allCases.count).map { events[$0] } }

    /// Account-days whose settlement took the short path for quiet days so far.
    public var quietDaysTaken: Int { shortPathCounters[0] }

    /// Times the short path was tried so far (it may give up at once).
    public var shortPathTries: Int { shortPathCounters[1] }

    /// The invariants (`AccountInvariants`) each account of the last run breaks at the horizon,
    /// prefixed by its position in the block; for tests, which also check them daily.
    func invariantViolationsAtHorizon() -> [String] {
        (0..<work.count).flatMap { j in
            invariants.violations(in: work, account: j, afterSettlementOf: model.horizonDays - 1).map { "account \(j): \($0)" }
        }
    }

    /// Draws the population of borrowers `first ..< first + count` for a replication; every
    /// following `run` starts from this same state (common random numbers).
    public func preparePopulation(seed: UInt64, replication: Int, first: Int, count: Int) {
        PopulationGenerator(model: model, drawCounter: drawCounter).fill(template, seed: seed, replication: replication, first: first, count: count,
                                                                         bookRecords: bookRecords)
    }

    /// Runs the prepared population under `strategy`, adding results into `tally`, and calling
    /// `perAccount` once per account at the horizon when it is given.
    ///
    /// Accounts interact only through collectors (pass 2), so each account is carried forward
    /// on its own, day after day, until a day on which it asks for a collector; it then waits
    /// for that day's pass 2, which serves the waiting accounts in account order as a day-major
    /// sweep would. An account is thus visited only on its own days, its state stays in cache
    /// while it is carried, and its branches repeat from one day to the next.
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
            rollState[j] = tally.enterRolls(bucket: bucket(j))
            recordMonthEnd(j, month: -1)
        }

        strategy.rules.withUnsafeBufferPointer { rules in
        strategy.agencyRules.withUnsafeBufferPointer { agencyRules in
        strategy.actions.withUnsafeBufferPointer { actions in
        strategy.contactTerms.withUnsafeBufferPointer { contactTerms in
            let ctx = DayContext(store: work, model: model, strategy: strategy, rules: rules, agencyRules: agencyRules,
                                 actions: actions, contactTerms: contactTerms, drawCounter: drawCounter, events: events)
            for j in 0..<n {
                if ctx.closed[j] != 0 {
                    closingRolls(j, from: 1, tally: &tally)
                    waitsFor[j] = Int32.max
                } else {
                    carry(j, settling: -1, queuedRule: -1, queuedForAgency: false, ctx: ctx, tally: &tally)
                }
            }
            for t in 0..<horizon {
                // Pass 2 of day t: the accounts waiting for it, in account order.
                let waiting = Self.accountsWaiting(for: Int32(t), in: waitsFor, n: n, into: waitingToday)
                ctx.count(.collectorWait, waiting)
                var nCalls = 0, nVisits = 0, nAgency = 0
                for q in 0..<waiting {
                    let j = Int(waitingToday[q])
                    let rule = pendingRule[j]
                    switch pendingWork[j] {
                    case Work.agencyCall:
                        agencyQueue[nAgency] = Demand(account: Int32(j), rule: rule, key: ctx.priorityKey(j, .dpd))
                        nAgency += 1
                    case let work:
                        let key = ctx.priorityKey(j, strategy.priority)
                        if work & Work.call != 0 { callQueue[nCalls] = Demand(account: Int32(j), rule: rule, key: key); nCalls += 1 }
                        if work & Work.visit != 0 { visitQueue[nVisits] = Demand(account: Int32(j), rule: rule, key: key); nVisits += 1 }
                    }
                }
                let callCap = Int((callsPerDay * Double(t + 1)).rounded(.down) - (callsPerDay * Double(t)).rounded(.down))
                let visitCap = Int((visitsPerDay * Double(t + 1)).rounded(.down) - (visitsPerDay * Double(t)).rounded(.down))
                let agencyCap = Int((agencyPerDay * Double(t + 1)).rounded(.down) - (agencyPerDay * Double(t)).rounded(.down))
                offered += Double(callCap)
                used += Double(ctx.serve(callQueue, count: nCalls, capacity: callCap, rules: rules, channel: .call, t: t, agency: false, tally: &tally))
                _ = ctx.serve(visitQueue, count: nVisits, capacity: visitCap, rules: rules, channel: .visit, t: t, agency: false, tally: &tally)
                _ = ctx.serve(agencyQueue, count: nAgency, capacity: agencyCap, rules: agencyRules, channel: .call, t: t, agency: true, tally: &tally)
                // Then each carries on from day t's settlement.
                for q in 0..<waiting {
                    let j = Int(waitingToday[q])
                    if ctx.closed[j] != 0 {
                        ctx.count(.openDay, t + 1)
                        closingRolls(j, from: t + 1, tally: &tally)
                        waitsFor[j] = Int32.max
                    } else {
                        carry(j, settling: t, queuedRule: Int(pendingRule[j]), queuedForAgency: pendingWork[j] == Work.agencyCall,
                              ctx: ctx, tally: &tally)
                    }
                }
            }
        }}}}
        tally.addCallCapacity(offered: offered, used: used)
        finish(n: n, segmentCount: segmentCount, tally: &tally, perAccount: perAccount)
    }

    /// Lists in `list`, in account order, the accounts `j < n` with `waitsFor[j] == day`, and
    /// returns how many there are. Eight accounts are compared at a time: on most days most
    /// accounts are not waiting. In a group of eight that holds a waiting account, every account
    /// is written to the list and only the waiting ones are counted, so there is no branch on
    /// which of them wait: that is as good as random, and such a branch mispredicts often.
    @inline(__always)
    static func accountsWaiting(for day: Int32, in waitsFor: UnsafeMutableBufferPointer<Int32>, n: Int,
                                into list: UnsafeMutableBufferPointer<Int32>) -> Int {
        precondition(n <= waitsFor.count && n <= list.count)
        let days = SIMD8<Int32>(repeating: day)
        let raw = UnsafeRawPointer(waitsFor.baseAddress!)
        var count = 0
        var j = 0
        while j + 8 <= n {
            if any(raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self) .== days) {
                for k in j..<(j + 8) {
                    list[count] = Int32(k)
                    count &+= waitsFor[k] == day ? 1 : 0
                }
            }
            j += 8
        }
        for k in j..<n where waitsFor[k] == day {
            list[count] = Int32(k)
            count += 1
        }
        return count
    }

    /// What an account waiting for a day's pass 2 asks for.
    private enum Work {
        static let call: UInt8 = 1
        static let visit: UInt8 = 2
        static let agencyCall: UInt8 = 4
    }

    /// Carries account `j` forward from the settlement of day `settling` (−1: from the opening of
    /// day 0) through pass 3 of one day and pass 1 of the next, until it asks for a collector on
    /// some day (it then waits for that day's pass 2), closes, or reaches the horizon.
    /// `queuedRule` (−1: none) is the rule it was queued under for the pass 2 of day `settling`.
    @inline(__always)
    private func carry(_ j: Int, settling: Int, queuedRule: Int, queuedForAgency: Bool, ctx: DayContext, tally: inout Tally) {
        let horizon = model.horizonDays
        var s = settling
        var skipShortPath = false
        while true {
            if s >= 0 {
                ctx.settleDay(j, s, tally: &tally)
                #if COLLECTSIM_INVARIANTS
                invariants.check(work, account: j, afterSettlementOf: s)
                #endif
                if ctx.closed[j] != 0 {
                    ctx.count(.openDay, s + 1)
                    closingRolls(j, from: s + 1, tally: &tally)
                    waitsFor[j] = Int32.max
                    return
                }
                // The end of a 30-day month: roll from the account's bucket at its start.
                if let month = calendar.monthEnded(bySettlementOf: s) {
                    tally.addRoll(month: month, bucket: &rollState[j], to: bucket(j))
                    recordMonthEnd(j, month: month)
                }
                // When the account is still delinquent and the rule it was queued under has
                // collector work due again the next day (a daily call, or a call that found no
                // collector), that day will most likely not be quiet: its full day follows
                // without trying the short path, which would only give up. A wrong guess costs
                // time, never bits, since a full day is what the short path stands in for.
                skipShortPath = s == settling && queuedRule >= 0 && guessesCollectorDays && ctx.dpd[j] > 0
                    && ctx.leadCollectorWorkDue(j, s + 1, ruleIndex: queuedRule, agency: queuedForAgency)
            }
            var t = s + 1
            // Days on which nothing happens to the account but decays, its clocks and due messages.
            if skipsQuietDays && history == nil && t < horizon && !skipShortPath {
                let quiet = ctx.quietDays(j, from: t, calendar: calendar, rollState: rollState, tally: &tally)
                shortPathCounters[0] &+= quiet.day - t
                shortPathCounters[1] &+= 1
                #if COLLECTSIM_INVARIANTS
                // The short path's state as of its last settlement (and any opening after it).
                if quiet.day > t { invariants.check(work, account: j, afterSettlementOf: quiet.day - 1) }
                #endif
                if quiet.opened {
                    s = quiet.day
                    continue
                }
                t = quiet.day
            }
            skipShortPath = false
            guard t < horizon else {
                ctx.count(.openDay, horizon)
                waitsFor[j] = Int32.max
                return
            }
            // Day t's slot of the 7-day contact rings starts empty.
            let ring = t % 7
            ctx.calls[j, ring] = 0
            ctx.contacts[j, ring] = 0
            ctx.count(.fullDay)
            ctx.dailyDynamics(j, t)
            if let (ruleIndex, isAgency) = ctx.chooseRule(j, dayBit: calendar.dayBits[t]) {
                let rule = ctx.rule(ruleIndex, agency: isAgency)
                ctx.immediateActions(j, t, rule: rule, tally: &tally)
                var work: UInt8 = 0
                if rule.needsCall && ctx.hasDueWork(j, t, rule: rule, channel: .call) { work = isAgency ? Work.agencyCall : Work.call }
                if rule.needsVisit && !isAgency && ctx.hasDueWork(j, t, rule: rule, channel: .visit) { work |= Work.visit }
                if work != 0 {
                    waitsFor[j] = Int32(t)
                    pendingRule[j] = Int32(ruleIndex)
                    pendingWork[j] = work
                    return
                }
            }
            s = t
        }
    }

    /// The rolls of an account that closed during the day before `firstEnd`: its final bucket
    /// for every month that ends on or after that day.
    private func closingRolls(_ j: Int, from firstEnd: Int, tally: inout Tally) {
        guard var month = calendar.firstMonthEnded(onOrAfterSettlementOf: firstEnd - 1) else { return }
        let b = bucket(j)
        while month < calendar.rollMonths {
            tally.addRoll(month: month, bucket: &rollState[j], to: b)
            recordMonthEnd(j, month: month)
            month += 1
        }
    }

    /// Records account `j`'s state at the end of 30-day month `month` (−1: at entry) when
    /// histories are recorded.
    @inline(__always)
    private func recordMonthEnd(_ j: Int, month: Int) {
        guard let history else { return }
        history[j * (calendar.rollMonths + 1) + month + 1] = MonthEndState(
            dpd: work.i(.dpd)[j], chargedOff: work.i(.chargeoffDay)[j] != Int32.max || bucket(j) == 5,
            balance: work.d(.balance)[j], collected: work.d(.collected)[j])
    }

    /// An account's roll bucket (`Tally.rollBucket`) at the end of a day.
    @inline(__always)
    private func bucket(_ j: Int) -> UInt8 {
        Tally.rollBucket(balance: work.d(.balance)[j], chargedOffOrClosed: work.i(.chargeoffDay)[j] != Int32.max || work.u(.closed)[j] != 0,
                         dpd: work.i(.dpd)[j])
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
            let resolved = s.u(.closed)[j] != 0 && s.d(.balance)[j] <= Money.settled || dpd <= 0
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
            if s.d(.balance)[j] <= Money.settled { tally.add(.settled, 1, groups: groups) }
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
                                          collected: s.d(.collected)[j], complaints: Int(s.i(.complaintCount)[j]), key: s.keys[j],
                                          history: history.map { h in
                                              let months = calendar.rollMonths + 1
                                              return Array(h[(j * months)..<((j + 1) * months)])
                                          } ?? []))
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
    /// The account's state at entry and at the end of each 30-day month, when the simulator
    /// recorded histories (`BlockSimulator.recordsHistory`); empty otherwise.
    public var history: [MonthEndState] = []
}

/// An account as a monthly history records it: at entry or at the end of a 30-day month.
public struct MonthEndState: Sendable, Hashable {
    /// Days past due (negative: days until the next installment is due).
    public var dpd: Int32
    /// Charged off, or closed by the courts unpaid (`Tally.rollBucket`'s charged_off).
    public var chargedOff: Bool
    /// Balance outstanding.
    public var balance: Double
    /// Amount collected since entry.
    public var collected: Double

    public init(dpd: Int32, chargedOff: Bool, balance: Double, collected: Double) {
        self.dpd = dpd; self.chargedOff = chargedOff; self.balance = balance; self.collected = collected
    }
}
