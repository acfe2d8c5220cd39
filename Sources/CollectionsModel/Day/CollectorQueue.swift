import Foundation

/// Pass 2 of a day: collector capacity shared out among the accounts that asked for a call or
/// a visit, by the strategy's priority (ties by position), and the work of each served one.
extension DayContext {
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
}
