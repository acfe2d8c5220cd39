import Foundation

/// The days of a run as the daily mechanics see them, computed once per simulator.
struct DayCalendar {
    let horizon: Int
    /// Months of roll rates counted (a roll is taken when day 30·m is reached, m = 1…rollMonths).
    let rollMonths: Int
    /// The day whose settlement ends the last counted month.
    let lastMonthEnd: Int
    /// Each day's bit for rules' day masks: 1 on working days, 2 on non-working days.
    let dayBits: [UInt8]
    /// For each day, the next day whose bit differs (the horizon when none does).
    let nextBitChange: [Int]

    init(horizon: Int, nonWorking: [Bool]) {
        self.horizon = horizon
        rollMonths = Tally.rollMonths(horizonDays: horizon)
        lastMonthEnd = 30 * rollMonths - 1
        dayBits = (0..<horizon).map { nonWorking[$0] ? 2 : 1 }
        var next = [Int](repeating: horizon, count: horizon)
        var change = horizon
        for t in stride(from: horizon - 1, through: 0, by: -1) {
            next[t] = change
            if t > 0 && dayBits[t - 1] != dayBits[t] { change = t }
        }
        nextBitChange = next
    }

    /// The roll-rate month (0-based) that the settlement of day `s` ends, if it ends one: months
    /// are 30 days, and only the horizon's whole months are counted.
    @inline(__always)
    func monthEnded(bySettlementOf s: Int) -> Int? {
        s % 30 == 29 && s <= lastMonthEnd ? s / 30 : nil
    }

    /// The first day x ≥ `day` (≥ 0) whose settlement ends a roll-rate month (Int.max: none left).
    @inline(__always)
    func nextMonthEndSettlement(from day: Int) -> Int {
        let x = day / 30 * 30 + 29
        return x <= lastMonthEnd ? x : Int.max
    }

    /// The first roll-rate month ended by the settlement of day `s` (≥ 0) or a later one (nil:
    /// none left): the months a closing account still counts.
    func firstMonthEnded(onOrAfterSettlementOf s: Int) -> Int? {
        monthEnded(bySettlementOf: nextMonthEndSettlement(from: s))
    }
}

extension DayContext {
    /// Where a run of quiet days stopped: the day, and whether that day's pass 1 is done (its
    /// settlement is then next) or not (its pass 1 is next).
    struct QuietStop {
        var day: Int
        var opened: Bool
    }

    /// Carries account `j` from the start of day `x0` through the days on which nothing can
    /// happen to it but its continuous state: no scheduled date (regime switch, education,
    /// deferral end, plan or promise date, due date, installment, default, charge-off, court
    /// date), no collector work, education, placement or legal action due, no change of matching
    /// rule, and no payment or complaint clock crossing. An account awaiting its court date
    /// matches no rule, so only its own dates and clocks stop it. On such a day the mechanics
    /// reduce to decays, neglect, any due messages, the two clocks' decrements and, at a month's
    /// end, a roll.
    /// They are done here with the account's state in registers (messages by
    /// `immediateActions`, with the state written back around them), in the same order and
    /// with the same arithmetic as the full day, so results are bit for bit its own. Stops
    /// (without doing it) at the first pass or settlement that is not quiet; a stop early is
    /// always safe, since the full day follows.
    func quietDays(_ j: Int, from x0: Int, calendar: DayCalendar, rollState: UnsafeMutableBufferPointer<UInt8>,
                   tally: inout Tally) -> QuietStop {
        let f = flags[j]
        let notQuiet = QuietStop(day: x0, opened: false)
        let legalPending = f & AccountFlags.legalPending.rawValue != 0
        let onPlan = f & AccountFlags.onPlan.rawValue != 0
        let promise = f & AccountFlags.promisePending.rawValue != 0
        let inDeferral = f & AccountFlags.inDeferral.rawValue != 0
        let placed = f & AccountFlags.placed.rawValue != 0
        let d0 = Int(dpd[j])
        /// An equality-checked date still ahead (one already past never fires again).
        @inline(__always) func ahead(_ day: Int32) -> Int { Int(day) >= x0 ? Int(day) : Int.max }

        // Pass 1 of day x is quiet while x < openStop.
        var openStop = min(calendar.horizon, ahead(nextSwitch[j]), ahead(educationDay[j]))
        if inDeferral { openStop = min(openStop, Int(deferralUntil[j])) }
        if f & AccountFlags.complainedRecently.rawValue != 0 {
            openStop = min(openStop, Int(lastComplaint[j]) + Int(c.complaintRecentDays))
        }
        if strategy.usesDayMasks { openStop = min(openStop, calendar.nextBitChange[x0]) }
        // Messages need no collector: they are sent on the short path (see `nextMessage`).
        var messageRule: CompiledStrategy.RuleCode?
        if let (ruleIndex, isAgency) = chooseRule(j, dayBit: calendar.dayBits[x0]) {
            let rule = self.rule(ruleIndex, agency: isAgency)
            for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
                let a = actions[k]
                switch a.role {
                case .once: if onceActionActs(j, a) { return notQuiet }
                case .message: messageRule = rule
                case .collector:
                    let due = Int(last[j, a.kind]) + Int(a.every)
                    if due <= x0 { return notQuiet }  // collector work today (a daily call, say)
                    openStop = min(openStop, due)
                }
            }
        }
        // DPD moves by one a day while current, or delinquent and neither on a plan nor deferred.
        let dpdMoves = !onPlan && (d0 < 0 || (d0 > 0 && !inDeferral))
        if dpdMoves && !legalPending {
            let boundary = strategy.nextRuleBoundary(after: d0, agency: placed)
            if boundary != Int.max { openStop = min(openStop, x0 + (boundary - d0)) }
        }
        guard openStop > x0 else { return notQuiet }

        // The settlement of day x is quiet while x < settleStop (and neither clock crosses).
        var settleStop = Int.max
        if onPlan {
            settleStop = min(settleStop, ahead(planNextDue[j]))
        } else if d0 == 0 {
            settleStop = x0  // the due date
        } else if d0 < 0 {
            settleStop = min(settleStop, x0 - d0)
        } else {
            if promise { settleStop = min(settleStop, ahead(promiseDue[j])) }
            if !inDeferral {
                // Ageing to DPD v happens in the settlement of day x0 + (v − d0 − 1).
                let cycle = Int(c.cycleDays)
                var v = (d0 + 1 + cycle - 1) / cycle * cycle
                if Int(c.defaultDPD) > d0 { v = min(v, Int(c.defaultDPD)) }
                if Int(c.chargeoffDPD) > d0 { v = min(v, Int(c.chargeoffDPD)) }
                settleStop = min(settleStop, x0 + (v - d0 - 1))
            }
        }

        // The court date's settlement gives the judgment and closes the account.
        if legalPending { settleStop = min(settleStop, ahead(legalDay[j])) }

        let hazard = !onPlan && d0 > 0 && !promise
        let capacity = hardship[j] == 0 ? 1 : c.hardshipFactor
        let baseRate = model.baseHazard[Int(grade[j])] * baseMultiplier[j]
        let deferralFactor = inDeferral ? c.deferralHazard : 1
        let kappa = self.kappa[j]
        // Neglect (in default and long without contact) applies from day `neglectDay` on.
        let defaultFrom = d0 >= Int(c.defaultDPD) ? x0 : dpdMoves ? x0 + (Int(c.defaultDPD) - d0) : Int.max
        var neglectDay = max(defaultFrom, neglectFrom(lastContact: self.lastContact[j]))
        var nextMessage = messageRule.map { nextMessageDay(j, rule: $0, from: x0) } ?? Int.max
        // The contact rings' slots are emptied for each opened day, up to `ringsClearedTo`.
        var ringsClearedTo = x0
        var d = d0
        let dpdStep = dpdMoves ? 1 : 0
        var stress = self.stress[j], pressure = self.pressure[j], excitation = self.excitation[j]
        var w = willingness[j], cachedW = cachedWillingness[j], wFactor = willingnessFactor[j]
        var clock = paymentClock[j], complaintClock = self.complaintClock[j]
        var monthEnd = calendar.nextMonthEndSettlement(from: x0)
        let chargedOff = chargeoffDay[j] != Int32.max
        var x = x0
        var opened = false
        while x < openStop {
            // Pass 1 (dailyDynamics without its dated events).
            stress *= c.stressKeep
            pressure *= c.pressureKeep
            excitation *= c.excitationKeep
            if x >= neglectDay { w -= c.neglectDecay * w }
            opened = true
            if x == nextMessage, let rule = messageRule {
                // The day's messages, made by `immediateActions` on the state as of now.
                clearRings(j, from: ringsClearedTo, to: x + 1)
                ringsClearedTo = x + 1
                dpd[j] = Int32(d)
                self.stress[j] = stress; self.pressure[j] = pressure; self.excitation[j] = excitation; willingness[j] = w
                immediateActions(j, x, rule: rule, tally: &tally)
                stress = self.stress[j]; pressure = self.pressure[j]; excitation = self.excitation[j]; w = willingness[j]
                neglectDay = max(defaultFrom, neglectFrom(lastContact: self.lastContact[j]))
                nextMessage = nextMessageDay(j, rule: rule, from: x + 1)
            }
            // Pass 3 (settleDay without events).
            if x >= settleStop { break }
            var nextClock = clock
            if hazard {
                if cachedW != w {
                    cachedW = w
                    wFactor = willingnessFactor(w)
                }
                nextClock = clock - arrearsIntensity(baseRate: baseRate, decay: decay[d], capacity: capacity, willingnessFactor: wFactor,
                                                     stress: stress, deferralFactor: deferralFactor, excitation: excitation)
                if nextClock <= 0 { break }
            }
            var nextComplaintClock = complaintClock
            if pressure > 0 {
                nextComplaintClock = complaintClock - complaintIntensity(kappa: kappa, pressure: pressure, stress: stress)
                if nextComplaintClock <= 0 { break }
            }
            clock = nextClock
            complaintClock = nextComplaintClock
            d &+= dpdStep
            if x == monthEnd {
                tally.addRoll(month: calendar.monthEnded(bySettlementOf: x)!, bucket: &rollState[j],
                              to: Tally.rollBucket(balance: balance[j], chargedOffOrClosed: chargedOff, dpd: Int32(d)))
                monthEnd = calendar.nextMonthEndSettlement(from: x + 1)
            }
            opened = false
            x += 1
        }
        let daysOpened = x - x0 + (opened ? 1 : 0)
        guard daysOpened > 0 else { return notQuiet }
        dpd[j] = Int32(d)
        self.stress[j] = stress; self.pressure[j] = pressure; self.excitation[j] = excitation
        willingness[j] = w; cachedWillingness[j] = cachedW; willingnessFactor[j] = wFactor
        paymentClock[j] = clock; self.complaintClock[j] = complaintClock
        clearRings(j, from: ringsClearedTo, to: x0 + daysOpened)
        return QuietStop(day: x, opened: opened)
    }

    /// Empties the 7-day contact rings' slots of days `from ..< to`, as each day's opening does.
    @inline(__always)
    private func clearRings(_ j: Int, from: Int, to: Int) {
        guard from < to else { return }
        if to - from >= 7 {
            for k in 0..<7 { calls[j, k] = 0; contacts[j, k] = 0 }
            return
        }
        var ring = from % 7
        for _ in from..<to {
            calls[j, ring] = 0
            contacts[j, ring] = 0
            ring = ring == 6 ? 0 : ring + 1
        }
    }

    /// The first day on or after `from` on which one of the rule's messages is due.
    @inline(__always)
    private func nextMessageDay(_ j: Int, rule: CompiledStrategy.RuleCode, from: Int) -> Int {
        var next = Int.max
        for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
            let a = actions[k]
            if a.role == .message { next = min(next, max(from, Int(last[j, a.kind]) + Int(a.every))) }
        }
        return next
    }
}
