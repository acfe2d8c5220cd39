import Foundation

/// Which rule of the strategy (or, once placed, of the agency) applies to an account today, which
/// of its actions are due, and the actions that need no collector.
///
/// A rule applies when the account's DPD, grade, segment, day kind, flags, risk score and
/// amount overdue are all within its conditions; the first such rule wins. An action of kind k
/// is due on day t when t − last_k ≥ every.
extension DayContext {
    /// The first rule whose condition holds, from the agency's rules when the account is placed.
    @inline(__always)
    func chooseRule(_ j: Int, dayBit: UInt8) -> (Int, Bool)? {
        count(.ruleChoice)
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
        Int32(t) - last[j, a.kind] >= a.every
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
    /// Whether once-action `a` (`ActionKind.Role.once`) would act on account j today: the
    /// short path ends on a day it would, and a full day takes it (`immediateActions`).
    @inline(__always)
    func onceActionActs(_ j: Int, _ a: CompiledStrategy.ActionCode) -> Bool {
        switch a.kind {
        case .education: return !has(j, .educated)
        case .agency: return !has(j, .placed)
        case .legal: return !has(j, .legalPending) && balance[j] > 0
        case .sms, .push, .email, .followup, .call, .visit, .counselling, .installment, .deferral: return false
        }
    }

    @inline(__always)
    func immediateActions(_ j: Int, _ t: Int, rule: CompiledStrategy.RuleCode, tally: inout Tally) {
        for k in rule.actionStart..<(rule.actionStart + rule.actionCount) {
            let a = actions[k]
            switch a.kind {
            case .sms, .push, .email, .followup:
                if due(j, a, t) { _ = contact(j, t, action: k, channel: a.kind.channel!, skill: 1, tally: &tally) }
            case .education:
                enrol(j, t, a, tally: &tally)
            case .agency:
                place(j, t, a, tally: &tally)
            case .legal:
                if !has(j, .legalPending) && balance[j] > 0 { fileLawsuit(j, t, tally: &tally) }
            case .call, .visit, .counselling, .installment, .deferral:
                break
            }
        }
    }
}
