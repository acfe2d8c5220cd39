import Foundation
import Stochastics

/// The per-account mechanics of one simulated day, over pointers bound once per block run.
///
/// Every random draw is keyed by (borrower, day, purpose) through the account's `StreamKey`,
/// so a mechanism's draws do not depend on which other mechanisms fired.
struct DayContext {
    let model: ModelParameters
    let c: Coefficients
    let strategy: CompiledStrategy
    let rules: UnsafeBufferPointer<CompiledStrategy.RuleCode>
    let agencyRules: UnsafeBufferPointer<CompiledStrategy.RuleCode>
    let actions: UnsafeBufferPointer<CompiledStrategy.ActionCode>
    /// Each action's contact terms (`CompiledStrategy.contactTerms`), by the action's index.
    let contactTerms: UnsafeBufferPointer<CompiledStrategy.ContactTerms>
    let decay: [Double]
    /// Whether another installment falls due on reaching each DPD (every payment.cycle_days).
    let installmentFallsDue: [Bool]
    /// fatigue.daily_decay compounded over k days, k = 0…horizon.
    let fatigueKeepPowers: [Double]

    /// The block's account records (`AccountStore`); each field below is a constant offset from it.
    let records: UnsafeMutableRawPointer
    var keys: AccountField<UInt64> { AccountField(records) }
    var flags: AccountField<UInt32> { AccountField(records) }
    var closed: AccountField<UInt8> { AccountField(records, .closed) }
    var segment: AccountField<UInt8> { AccountField(records, .segment) }
    var grade: AccountField<UInt8> { AccountField(records, .grade) }
    var entryStage: AccountField<UInt8> { AccountField(records, .entryStage) }
    var reach: AccountField<UInt8> { AccountField(records, .reach) }
    var hardship: AccountField<UInt8> { AccountField(records, .hardship) }
    /// 7-day rings: calls made and contacts attempted on each day, slot t % 7.
    var calls: AccountField<UInt8> { AccountField(records, .calls0) }
    var contacts: AccountField<UInt8> { AccountField(records, .contacts0) }
    var balance: AccountField<Double> { AccountField(records, .balance) }
    var arrears: AccountField<Double> { AccountField(records, .arrears) }
    var installment: AccountField<Double> { AccountField(records, .installment) }
    var collected: AccountField<Double> { AccountField(records, .collected) }
    var discounted: AccountField<Double> { AccountField(records, .discounted) }
    var costs: AccountField<Double> { AccountField(records, .costs) }
    var commission: AccountField<Double> { AccountField(records, .commission) }
    var promiseAmount: AccountField<Double> { AccountField(records, .promiseAmount) }
    var planAmount: AccountField<Double> { AccountField(records, .planAmount) }
    var commissionRate: AccountField<Double> { AccountField(records, .commissionRate) }
    var baseMultiplier: AccountField<Double> { AccountField(records, .baseMultiplier) }
    var risk: AccountField<Double> { AccountField(records, .risk) }
    var willingness: AccountField<Double> { AccountField(records, .willingness) }
    var literacy: AccountField<Double> { AccountField(records, .literacy) }
    var stress: AccountField<Double> { AccountField(records, .stress) }
    var peakStress: AccountField<Double> { AccountField(records, .peakStress) }
    var excitation: AccountField<Double> { AccountField(records, .excitation) }
    var pressure: AccountField<Double> { AccountField(records, .pressure) }
    var kappa: AccountField<Double> { AccountField(records, .kappa) }
    var satisfaction: AccountField<Double> { AccountField(records, .satisfaction) }
    var fatigue: AccountField<Double> { AccountField(records, .fatigue0) }
    var fatigueDay: AccountField<Int32> { AccountField(records, .fatigueDay0) }
    var nextSwitch: AccountField<Int32> { AccountField(records, .nextSwitch) }
    var paymentClock: AccountField<Double> { AccountField(records, .paymentClock) }
    var complaintClock: AccountField<Double> { AccountField(records, .complaintClock) }
    var cachedWillingness: AccountField<Double> { AccountField(records, .cachedWillingness) }
    var willingnessFactor: AccountField<Double> { AccountField(records, .willingnessFactor) }
    var dpd: AccountField<Int32> { AccountField(records, .dpd) }
    var promiseDue: AccountField<Int32> { AccountField(records, .promiseDue) }
    var planNextDue: AccountField<Int32> { AccountField(records, .planNextDue) }
    var planRemaining: AccountField<Int32> { AccountField(records, .planRemaining) }
    var planMisses: AccountField<Int32> { AccountField(records, .planMisses) }
    var planBreakAfter: AccountField<Int32> { AccountField(records, .planBreakAfter) }
    var deferralUntil: AccountField<Int32> { AccountField(records, .deferralUntil) }
    var legalDay: AccountField<Int32> { AccountField(records, .legalDay) }
    var educationDay: AccountField<Int32> { AccountField(records, .educationDay) }
    var coolOffUntil: AccountField<Int32> { AccountField(records, .coolOffUntil) }
    var lastConversation: AccountField<Int32> { AccountField(records, .lastConversation) }
    var lastContact: AccountField<Int32> { AccountField(records, .lastContact) }
    var lastComplaint: AccountField<Int32> { AccountField(records, .lastComplaint) }
    var complaintCount: AccountField<Int32> { AccountField(records, .complaintCount) }
    var last: AccountField<Int32> { AccountField(records, .last0) }
    var defaultDay: AccountField<Int32> { AccountField(records, .defaultDay) }
    var chargeoffDay: AccountField<Int32> { AccountField(records, .chargeoffDay) }
    var cureDay: AccountField<Int32> { AccountField(records, .cureDay) }
    var resolvedDay: AccountField<Int32> { AccountField(records, .resolvedDay) }
    var delinquentSince: AccountField<Int32> { AccountField(records, .delinquentSince) }
    var tolerance: AccountField<Int32> { AccountField(records, .tolerance) }
    /// Per-account contact counters (CountField order), summed into the tally at the horizon.
    var counts: AccountField<Int32> { AccountField(records, .nMessages) }
    let compliance: ComplianceRules
    let enforce: Bool
    /// Where the block's random draws are counted (for the limit kernel in `benchmarks/`).
    let drawCounter: UnsafeMutablePointer<Int>

    init(store s: AccountStore, model: ModelParameters, c: Coefficients, strategy: CompiledStrategy,
         rules: UnsafeBufferPointer<CompiledStrategy.RuleCode>, agencyRules: UnsafeBufferPointer<CompiledStrategy.RuleCode>,
         actions: UnsafeBufferPointer<CompiledStrategy.ActionCode>,
         contactTerms: UnsafeBufferPointer<CompiledStrategy.ContactTerms>, decay: [Double], installmentFallsDue: [Bool],
         fatigueKeepPowers: [Double], drawCounter: UnsafeMutablePointer<Int>) {
        self.drawCounter = drawCounter
        self.model = model; self.c = c; self.strategy = strategy; self.rules = rules
        self.agencyRules = agencyRules; self.actions = actions; self.contactTerms = contactTerms; self.decay = decay; self.installmentFallsDue = installmentFallsDue
        self.fatigueKeepPowers = fatigueKeepPowers
        records = s.base
        compliance = model.compliance
        enforce = model.compliance.mode == .enforce
    }

    /// Contact counters kept per account, in the store's field order from `nMessages`.
    enum CountField: Int, CaseIterable {
        case messages = 0, followups, callAttempts, callsConnected, visits, blocked, violations
        var quantity: Quantity {
            switch self {
            case .messages: return .messages
            case .followups: return .followups
            case .callAttempts: return .callAttempts
            case .callsConnected: return .callsConnected
            case .visits: return .visits
            case .blocked: return .blocked
            case .violations: return .violations
            }
        }
    }

    @inline(__always) func has(_ j: Int, _ f: AccountFlags) -> Bool { flags[j] & f.rawValue != 0 }
    @inline(__always) func set(_ j: Int, _ f: AccountFlags) { flags[j] |= f.rawValue }
    @inline(__always) func clear(_ j: Int, _ f: AccountFlags) { flags[j] &= ~f.rawValue }
    @inline(__always) func u(_ j: Int, _ t: Int, _ p: Purpose) -> Double {
        drawCounter.pointee &+= 1
        return StreamKey(rawValue: keys[j]).uniform(day: t, purpose: p)
    }

    // MARK: Pass 1

    /// Flips the capacity regime and draws the day of the next switch (geometric waiting time).
    func switchRegime(_ j: Int, _ t: Int) {
        if hardship[j] == 0 {
            hardship[j] = 1
        } else {
            hardship[j] = 0
            clear(j, .hardshipReported)
        }
        redrawSwitch(j, t, purpose: .capacitySwitch)
    }

    /// The current regime's daily switching probability: able→hardship scaled by macro stress;
    /// hardship→able boosted during a deferral.
    @inline(__always)
    func switchProbability(_ j: Int) -> Double {
        let s = Int(segment[j])
        if hardship[j] == 0 { return min(1, model.hardshipRate[s] * c.macroStress) }
        return min(1, model.recoveryRate[s] * (has(j, .inDeferral) ? c.deferralRecovery : 1))
    }

    /// Redraws the next switch from day t (valid at any day: the geometric is memoryless).
    func redrawSwitch(_ j: Int, _ t: Int, purpose: Purpose) {
        nextSwitch[j] = RegimeClock.nextSwitch(after: t, probability: switchProbability(j), uniform: u(j, t, purpose))
    }


    /// Capacity regime, decays, neglect, delayed education, expiry of deferral and flags.
    @inline(__always)
    func dailyDynamics(_ j: Int, _ t: Int) {
        if nextSwitch[j] == Int32(t) { switchRegime(j, t) }
        stress[j] *= c.stressKeep
        pressure[j] *= c.pressureKeep
        excitation[j] *= c.excitationKeep
        if dpd[j] >= c.defaultDPD && t >= neglectFrom(lastContact: lastContact[j]) {
            willingness[j] -= c.neglectDecay * willingness[j]
        }
        if educationDay[j] == Int32(t) {
            literacy[j] += c.educationLiteracy * (1 - literacy[j])
            willingness[j] += c.educationWillingness * (1 - willingness[j])
            satisfaction[j] = min(1, satisfaction[j] + c.satEducation)
            educationDay[j] = Int32.max
        }
        if has(j, .inDeferral) && Int32(t) >= deferralUntil[j] {
            clear(j, .inDeferral)
            if hardship[j] != 0 { redrawSwitch(j, t, purpose: .capacityRedraw) }
        }
        if has(j, .complainedRecently) && Int32(t) >= lastComplaint[j] + c.complaintRecentDays { clear(j, .complainedRecently) }
    }

    /// The first day on which an account last contacted on `lastContact` is neglected (if it
    /// is also in default).
    @inline(__always)
    func neglectFrom(lastContact: Int32) -> Int { Int(lastContact) + c.neglectAfterWholeDays }

    /// The first rule whose condition holds, from the agency's rules when the account is placed.
    @inline(__always)
    func chooseRule(_ j: Int, dayBit: UInt8) -> (Int, Bool)? {
        if has(j, .legalPending) { return nil }
        let agency = has(j, .placed)
        let d = dpd[j]
        if d < (agency ? strategy.agencyMinDPD : strategy.rulesMinDPD) { return nil }
        let list = agency ? agencyRules : rules
        let g = UInt8(1) << grade[j], sm = UInt64(1) << UInt64(segment[j])
        let f = flags[j], r = risk[j], o = arrears[j]
        for i in 0..<list.count {
            let rule = list[i]
            if d < rule.dpdLo || d > rule.dpdHi { continue }
            if rule.gradeMask & g == 0 || rule.segmentMask & sm == 0 || rule.dayMask & dayBit == 0 { continue }
            if f & rule.required != rule.required || f & rule.forbidden != 0 { continue }
            if r < rule.riskLo || r > rule.riskHi || o < rule.overdueLo || o > rule.overdueHi { continue }
            return (i, agency)
        }
        return nil
    }

    @inline(__always)
    func priorityKey(_ j: Int, _ p: Priority) -> Double {
        switch p {
        case .risk: return risk[j]
        case .balance: return arrears[j]
        case .dpd: return Double(dpd[j])
        case .early: return -Double(dpd[j])
        }
    }

    @inline(__always)
    func due(_ j: Int, _ a: CompiledStrategy.ActionCode, _ t: Int) -> Bool {
        Int32(t) - last[j, a.kind.rawValue] >= a.every
    }

    /// Whether any action of the rule on a collector channel is due today: only then does the
    /// account queue for a collector.
    @inline(__always)
    func hasDueWork(_ j: Int, _ t: Int, rule: CompiledStrategy.RuleCode, channel: Channel) -> Bool {
        for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
            let a = actions[k]
            if a.kind.channel == channel && due(j, a, t) { return true }
        }
        return false
    }

    /// Rule `index` of the agency's rules when `agency`, of the strategy's own otherwise (as
    /// `chooseRule` names it).
    @inline(__always)
    func rule(_ index: Int, agency: Bool) -> CompiledStrategy.RuleCode {
        agency ? agencyRules[index] : rules[index]
    }

    /// Whether the lead collector action of rule `ruleIndex` (of the agency's rules when
    /// `agency`) falls due on day `t`: a guess, from one action, that day `t` needs a collector.
    @inline(__always)
    func leadCollectorWorkDue(_ j: Int, _ t: Int, ruleIndex: Int, agency: Bool) -> Bool {
        let k = rule(ruleIndex, agency: agency).leadCollectorAction
        return k >= 0 && due(j, actions[k], t)
    }

    /// Messages, follow-ups, education, agency placement and legal action: no collector needed.
    @inline(__always)
    func immediateActions(_ j: Int, _ t: Int, rule: CompiledStrategy.RuleCode, tally: inout Tally) {
        for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
            let a = actions[k]
            switch a.kind {
            case .sms, .push, .email, .followup:
                if due(j, a, t) { _ = contact(j, t, action: k, channel: a.kind.channel!, skill: 1, tally: &tally) }
            case .education:
                if !has(j, .educated) {
                    set(j, .educated)
                    educationDay[j] = Int32(t) + Int32(c.educationDelay)
                    costs[j] += c.educationCost
                    last[j, a.kind.rawValue] = Int32(t)
                    tally.add(.educated, 1, groups: groups(j))
                }
            case .agency:
                if !has(j, .placed) {
                    set(j, .placed)
                    commissionRate[j] = a.commission
                    last[j, a.kind.rawValue] = Int32(t)
                    tally.add(.placements, 1, groups: groups(j))
                }
            case .legal:
                if !has(j, .legalPending) && balance[j] > 0 { fileLawsuit(j, t, tally: &tally) }
            case .call, .visit, .counselling, .installment, .deferral:
                break
            }
        }
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

    @inline(__always)
    func groups(_ j: Int) -> GroupIndices {
        GroupIndices(segment: segment[j], grade: grade[j], stage: entryStage[j], segmentCount: model.population.segments.count)
    }

    // MARK: Pass 2

    /// Serves queued collector work up to capacity (in call tasks or visits), by priority (ties
    /// by position), then makes the calls or visits. Returns the tasks served.
    func serve(_ queue: UnsafeMutableBufferPointer<BlockSimulator.Demand>, count: Int, capacity: Int,
               rules: UnsafeBufferPointer<CompiledStrategy.RuleCode>, channel: Channel, t: Int, agency: Bool,
               tally: inout Tally) -> Int {
        var served = count
        if count > capacity {
            if channel == .call && !agency { tally.addTotal(.callsUnserved, Double(count - capacity)) }
            PrioritySelection.selectTop(queue, count: count, k: capacity)
            served = capacity
        }
        var tasks = 0
        for q in 0..<served {
            let j = Int(queue[q].account)
            let rule = rules[Int(queue[q].rule)]
            if collectorWork(j, t, rule: rule, channel: channel, agency: agency, tally: &tally) > 0 { tasks += 1 }
        }
        return tasks
    }

    /// The call (with any counselling or offers) or the visit of one rule.
    func collectorWork(_ j: Int, _ t: Int, rule: CompiledStrategy.RuleCode, channel: Channel, agency: Bool, tally: inout Tally) -> Int {
        // The contact itself: the first action on this channel sets slot and tone.
        var contactAction: Int?
        var offersDue = false
        for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
            let a = actions[k]
            guard a.kind.channel == channel, due(j, a, t) else { continue }
            if a.kind == .call || a.kind == .visit {
                if contactAction == nil { contactAction = k }
            } else {
                offersDue = true
                if contactAction == nil { contactAction = k }
            }
        }
        guard let k = contactAction else { return 0 }
        let skill = agency ? c.agencySkill : strategy.skill
        let outcome = contact(j, t, action: k, channel: channel, skill: skill, tally: &tally)
        if outcome.reached && offersDue {
            for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
                let o = actions[k]
                guard o.kind.channel == channel, due(j, o, t) else { continue }
                switch o.kind {
                case .counselling: counsel(j, t, o, tally: &tally)
                case .installment: offerPlan(j, t, o, tally: &tally)
                case .deferral: offerDeferral(j, t, o, tally: &tally)
                default: break
                }
            }
        }
        return outcome.attempts
    }

    // MARK: Contact

    struct ContactOutcome { var reached: Bool; var attempts: Int }

    /// One contact attempt by action `k` (an index into `actions`) on a channel under compliance:
    /// blocked (enforce) or counted as a violation (report) when it breaks a rule; otherwise it
    /// may reach the borrower, adding a hazard jump, stress, fatigue and complaint pressure.
    func contact(_ j: Int, _ t: Int, action k: Int, channel: Channel, skill: Double, tally: inout Tally) -> ContactOutcome {
        let ch = channel.rawValue
        let a = actions[k]
        let terms = contactTerms[k]
        let nonWorking = model.nonWorking[t]
        let ring = t % 7
        let isVoice = channel == .call || channel == .visit
        // Compliance.
        var breaches = 0
        if Int32(t) < coolOffUntil[j] { breaches += 1 }
        if !(nonWorking ? terms.permittedNonWorking : terms.permittedWorking) { breaches += 1 }
        if isVoice {
            let today = Int(calls[j, ring])
            var week = 0
            for k in 0..<7 { week += Int(calls[j, k]) }
            if today + a.attempts > terms.capPerDay || week + a.attempts > terms.capPer7 { breaches += 1 }
            if compliance.afterConversationDays > 0 && Int32(t) - lastConversation[j] < Int32(compliance.afterConversationDays) { breaches += 1 }
        }
        last[j, a.kind.rawValue] = Int32(t)
        if breaches > 0 {
            if enforce {
                counts[j, CountField.blocked.rawValue] += 1
                return ContactOutcome(reached: false, attempts: 0)
            }
            counts[j, CountField.violations.rawValue] += Int32(breaches)
            pressure[j] += c.violationPenalty * Double(breaches)
            satisfaction[j] = max(0, satisfaction[j] + c.satViolation * Double(breaches))
            if u(j, t, .violationDispute) < c.legalRiskPerViolation * Double(breaches) { tally.add(.disputes, 1, groups: groups(j)) }
        }
        lastContact[j] = Int32(t)
        // Reach.
        var reached = false
        var attempts = 1
        let reachable = reach[j] & (1 << UInt8(ch)) != 0
        switch channel {
        case .sms, .push, .email, .followup:
            costs[j] += terms.cost
            counts[j, (channel == .followup ? CountField.followups : CountField.messages).rawValue] += 1
            let purpose: Purpose = channel == .sms ? .contactSMS : channel == .push ? .contactPush : .contactEmail
            reached = reachable && u(j, t, purpose) < c.messageRead
        case .call:
            let p = nonWorking ? terms.rpcNonWorking : terms.rpcWorking
            attempts = 0
            while attempts < a.attempts && !reached {
                attempts += 1
                if reachable { drawCounter.pointee &+= 1 }
                reached = reachable && StreamKey(rawValue: keys[j]).uniform(day: t, purpose: .callAttempt, index: attempts) < p
            }
            costs[j] += terms.cost * Double(attempts)
            counts[j, CountField.callAttempts.rawValue] += Int32(attempts)
            calls[j, ring] &+= UInt8(clamping: attempts)
            if reached {
                costs[j] += terms.connectedCost
                counts[j, CountField.callsConnected.rawValue] += 1
                lastConversation[j] = Int32(t)
            }
        case .visit:
            costs[j] += terms.cost
            counts[j, CountField.visits.rawValue] += 1
            calls[j, ring] &+= 1
            reached = u(j, t, .visitReach) < c.visitRPC
            if reached { lastConversation[j] = Int32(t) }
        }
        var jumpScale = 1.0
        if !reached && a.thirdParty {
            if !compliance.thirdPartyContact {
                if enforce {
                    counts[j, CountField.blocked.rawValue] += 1
                } else {
                    counts[j, CountField.violations.rawValue] += 1
                    pressure[j] += c.violationPenalty
                    satisfaction[j] = max(0, satisfaction[j] + c.satViolation)
                    reached = u(j, t, .thirdParty) < c.thirdPartyReach
                    jumpScale = c.thirdPartyEffect
                }
            } else {
                reached = u(j, t, .thirdParty) < c.thirdPartyReach
                jumpScale = c.thirdPartyEffect
            }
        }
        // Complaint pressure from every attempt, reached or not.
        contacts[j, ring] &+= UInt8(clamping: attempts)
        var weekContacts = 0
        for k in 0..<7 { weekContacts += Int(contacts[j, k]) }
        var weight = terms.complaintWeight * Double(attempts)
        if nonWorking { weight *= c.complaintWeekend }
        if isVoice { weight /= max(skill, 0.01) }
        let excess = weekContacts - Int(tolerance[j])
        if excess > 0 { weight += c.overTolerancePenalty * Double(min(excess, attempts)) }
        pressure[j] += weight
        guard reached else { return ContactOutcome(reached: false, attempts: attempts) }
        // Effect on the borrower.
        let w = willingness[j]
        let inHardship = hardship[j] != 0
        let fit: Double
        switch a.tone {
        case .gentle: fit = c.gentleBase + c.gentleSlope * w
        case .firm: fit = inHardship ? c.firmHardship : c.firmBase + c.firmSlope * (1 - w)
        case .empathetic: fit = c.empatheticBase + c.empatheticSlope * w
        }
        // Fatigue decays lazily: stored as of its last update day, decayed here on use.
        let since = t - Int(fatigueDay[j, ch])
        fatigue[j, ch] *= since < fatigueKeepPowers.count ? fatigueKeepPowers[since] : 0
        fatigueDay[j, ch] = Int32(t)
        let damp = exp(-c.fatigueSensitivity * fatigue[j, ch])
        // Old debt responds less to contact, as it does to time: the jump shares decay(DPD).
        let age = decay[Int(max(0, dpd[j]))]
        excitation[j] += terms.jump * fit * damp * (isVoice ? skill : 1) * jumpScale * age
        fatigue[j, ch] += 1
        stress[j] += terms.stress
        if stress[j] > peakStress[j] { peakStress[j] = stress[j] }
        switch a.tone {
        case .firm:
            satisfaction[j] = max(0, satisfaction[j] + c.satFirm)
            if inHardship { willingness[j] -= c.firmHardshipLoss * w }
        case .empathetic:
            satisfaction[j] = min(1, satisfaction[j] + c.satEmpathetic)
            willingness[j] += c.empatheticGain * (1 - w)
        case .gentle:
            break
        }
        if channel == .visit { satisfaction[j] = max(0, satisfaction[j] + c.satVisit) }
        if isVoice && inHardship && !has(j, .hardshipReported) && u(j, t, .disclosure) < c.hardshipDisclosure {
            set(j, .hardshipReported)
        }
        return ContactOutcome(reached: true, attempts: attempts)
    }

    // MARK: Offers

    func counsel(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        last[j, a.kind.rawValue] = Int32(t)
        costs[j] += c.counsellingCost
        if !has(j, .counselled) { tally.add(.counselled, 1, groups: groups(j)) }
        set(j, .counselled)
        literacy[j] += c.counsellingLiteracy * (1 - literacy[j])
    }

    func offerPlan(_ j: Int, _ t: Int, _ a: CompiledStrategy.ActionCode, tally: inout Tally) {
        last[j, a.kind.rawValue] = Int32(t)
        guard !has(j, .onPlan), arrears[j] > 0.005, dpd[j] > 0 else { return }
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
        last[j, a.kind.rawValue] = Int32(t)
        guard !has(j, .inDeferral), !has(j, .onPlan), dpd[j] > 0 else { return }
        guard u(j, t, .planAcceptance) < c.deferralUptake else { return }
        tally.add(.deferrals, 1, groups: groups(j))
        set(j, .inDeferral)
        deferralUntil[j] = Int32(t) + a.deferralDays
        if hardship[j] != 0 { redrawSwitch(j, t, purpose: .capacityRedraw) }
        willingness[j] += c.planGain * (1 - willingness[j])
        satisfaction[j] = min(1, satisfaction[j] + c.satPlan)
    }

    // MARK: Pass 3

    /// Legal outcome, plan and promise installments, the payment hazard, DPD ageing, complaints.
    @inline(__always)
    func settleDay(_ j: Int, _ t: Int, tally: inout Tally) {
        let t32 = Int32(t)
        if has(j, .legalPending) && legalDay[j] == t32 {
            clear(j, .legalPending)
            if u(j, t, .legalOutcome) < c.judgment {
                pay(j, t, model.legalFraction(u(j, t, .legalFraction)) * balance[j], tally: &tally, ends: true)
                markResolved(j, t)
            }
            closed[j] = 1
            return
        }
        let able = hardship[j] == 0
        let capacity = able ? 1 : c.hardshipFactor
        let d = dpd[j]
        if has(j, .onPlan) {
            if planNextDue[j] == t32 {
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
                    } else if planRemaining[j] <= 0 || arrears[j] <= 0.005 {
                        clear(j, .onPlan)
                        tally.add(.plansCompleted, 1, groups: groups(j))
                        if arrears[j] > 0.005 { pay(j, t, arrears[j], tally: &tally) }
                        if closed[j] == 0 && arrears[j] <= 0.005 { cure(j, t, tally: &tally) }
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
        } else if d <= 0 {
            if d == 0 {
                let wEffect = exp(c.willingnessEffect * (willingness[j] - 0.5) + c.literacyEffect * (literacy[j] - 0.5)) / (1 + c.stressEffect * stress[j])
                let h = model.dueHazard[Int(grade[j])] * capacity * wEffect * (1 + c.dueExcitationWeight * excitation[j])
                if u(j, t, .dueDatePayment) < -expm1(-h) {
                    pay(j, t, min(installment[j], balance[j]), tally: &tally, scheduled: true)
                    if closed[j] == 0 { dpd[j] = 1 - c.cycleDays }
                } else {
                    arrears[j] = min(balance[j], arrears[j] + installment[j])
                    dpd[j] = 1
                    if delinquentSince[j] < 0 { delinquentSince[j] = t32 + 1 }
                }
            } else {
                dpd[j] = d + 1
            }
        } else {
            if has(j, .promisePending) {
                if promiseDue[j] == t32 {
                    clear(j, .promisePending)
                    if u(j, t, .promiseKept) < (able ? c.promiseKeptAble : c.promiseKeptHardship) {
                        pay(j, t, min(promiseAmount[j], arrears[j]), tally: &tally)
                    } else {
                        set(j, .promiseBroken)
                        willingness[j] -= c.brokenPromiseLoss * willingness[j]
                    }
                }
            } else {
                let inDeferral = has(j, .inDeferral)
                // exp(β_w(w − 0.5)) is cached per account and recomputed only when w has moved.
                if cachedWillingness[j] != willingness[j] {
                    cachedWillingness[j] = willingness[j]
                    willingnessFactor[j] = exp(c.willingnessEffect * (willingness[j] - 0.5))
                }
                let wEffect = willingnessFactor[j] / (1 + c.stressEffect * stress[j])
                let base = model.baseHazard[Int(grade[j])] * baseMultiplier[j] * decay[Int(d)] * capacity * wEffect
                let lambda = base * (inDeferral ? c.deferralHazard : 1) + excitation[j]
                // Exponential clock: an event when the cumulative hazard passes an Exp(1) draw,
                // so P(event today | none before) = 1 − e^(−λ) with a draw only at events.
                paymentClock[j] -= lambda
                if paymentClock[j] <= 0 {
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
                        promiseDue[j] = t32 + Int32(c.promiseDays)
                        promiseAmount[j] = payable
                    } else {
                        pay(j, t, model.partialFraction(u(j, t, .paymentFraction)) * payable, tally: &tally)
                    }
                }
            }
            if closed[j] == 0 && dpd[j] > 0 && !has(j, .inDeferral) { age(j, t, tally: &tally) }
        }
        // Complaints.
        if closed[j] == 0 && pressure[j] > 0 {
            complaintClock[j] -= kappa[j] * pressure[j] * (1 + c.complaintStress * stress[j])
            if complaintClock[j] <= 0 {
                complaintClock[j] = -log(u(j, t, .complaint))
                complain(j, t, tally: &tally, draw: true)
            }
        }
    }

    /// One day of ageing of a delinquent account: DPD grows, another installment falls due every
    /// 30 days, and default and charge-off are recorded when first reached.
    @inline(__always)
    func age(_ j: Int, _ t: Int, tally: inout Tally) {
        let d = dpd[j] + 1
        dpd[j] = d
        if installmentFallsDue[Int(d)] && !has(j, .chargedOff) { arrears[j] = min(balance[j], arrears[j] + installment[j]) }
        if d == c.defaultDPD && defaultDay[j] == Int32.max {
            defaultDay[j] = Int32(t)
            tally.addCurve(.defaults, day: t, 1)
        }
        if d == c.chargeoffDPD && chargeoffDay[j] == Int32.max {
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
        if balance[j] <= 0.005 {
            closed[j] = 1
            markResolved(j, t)
            if dpd[j] > 0 { markCured(j, t, tally: &tally) }
            return
        }
        if !scheduled && dpd[j] > 0 && arrears[j] <= 0.005 && !has(j, .onPlan) { cure(j, t, tally: &tally) }
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

    /// A complaint: counted, may escalate, pauses contact for the cool-off, costs willingness
    /// and satisfaction, and relieves the accumulated pressure.
    func complain(_ j: Int, _ t: Int, tally: inout Tally, draw: Bool) {
        let g = groups(j)
        tally.add(.complaints, 1, groups: g)
        tally.addCurve(.complaints, day: t, 1)
        if u(j, t, .escalation) < c.escalation { tally.add(.escalations, 1, groups: g) }
        coolOffUntil[j] = Int32(t) + Int32(compliance.coolOffDays)
        lastComplaint[j] = Int32(t)
        complaintCount[j] &+= 1
        set(j, .complainedRecently)
        willingness[j] -= c.complaintLoss * willingness[j]
        satisfaction[j] = max(0, satisfaction[j] + c.satComplaint)
        if draw { pressure[j] = 0 }
    }
}
