/// A strategy flattened for the daily loop: conditions as masks and bounds, actions as plain
/// structs, no optionals or existentials.
public struct CompiledStrategy: Sendable {
    struct RuleCode: Sendable {
        var dpdLo: Int32, dpdHi: Int32
        var gradeMask: UInt8
        var segmentMask: UInt64
        var riskLo: Double, riskHi: Double
        var overdueLo: Double, overdueHi: Double
        var required: UInt32, forbidden: UInt32
        var actionStart: Int, actionCount: Int
        var needsCall: Bool, needsVisit: Bool
        /// Bit 0: may match on working days; bit 1: on weekends and holidays.
        var dayMask: UInt8
        /// The rule's first action that needs a collector (an index into `actions`; −1: none):
        /// whether it falls due tells, after a day's pass 2, whether the next day will most
        /// likely need a collector again.
        var leadCollectorAction: Int
    }
    struct ActionCode: Sendable {
        var kind: ActionKind
        /// What the short path (`QuietDays`) needs of the kind, worked out once here.
        var role: ActionKind.Role
        var every: Int32
        var slot: Slot
        var tone: Tone
        var attempts: Int
        var thirdParty: Bool
        var installments: Int32
        var downPayment: Double
        var feeWaiver: Bool
        var breakAfter: Int32
        var deferralDays: Int32
        var commission: Double
    }
    /// The table lookups of a contact, multiplied out once per strategy in the order the
    /// contact would multiply them, so the results are the same to the bit.
    struct ContactTerms: Sendable {
        /// Complaint pressure per attempt: channel weight × tone × slot.
        var complaintWeight = 0.0
        /// Stress per reached contact: channel stress × tone stress.
        var stress = 0.0
        var jump = 0.0
        /// Cost per attempt (calls) or per contact.
        var cost = 0.0
        /// Cost of a connected call, tone multiplier included.
        var connectedCost = 0.0
        /// Right-party-contact probability of one call attempt on a working and on a non-working day.
        var rpcWorking = 0.0, rpcNonWorking = 0.0
        /// Whether the compliance window permits the slot on a working and on a non-working day.
        var permittedWorking = true, permittedNonWorking = true
        /// Attempts allowed a day and in any 7 days (Int.max: no cap).
        var capPerDay = Int.max, capPer7 = Int.max

        init() {}

        init(channel: Channel, slot: Slot, tone: Tone, model: ModelParameters, c: Coefficients) {
            let ch = channel.rawValue
            complaintWeight = model.complaintWeight[ch] * model.toneComplaint[tone.rawValue] * model.slotComplaint[slot.rawValue]
            stress = model.contactStress[ch] * model.toneStress[tone.rawValue]
            jump = model.jump[ch]
            cost = model.contactCost[ch]
            connectedCost = c.connectedCost * (tone == .empathetic ? c.empatheticCostMultiplier : 1)
            rpcWorking = min(1, model.rpc[slot.rawValue])
            rpcNonWorking = min(1, model.rpc[slot.rawValue] * c.weekendRPC)
            if let window = model.compliance.windows[channel] {
                permittedWorking = window.permits(slot, nonWorkingDay: false)
                permittedNonWorking = window.permits(slot, nonWorkingDay: true)
            }
            capPerDay = model.compliance.caps[channel]?.perDay ?? Int.max
            capPer7 = model.compliance.caps[channel]?.per7Days ?? Int.max
        }
    }

    public let strategy: Strategy
    let rules: [RuleCode]
    let agencyRules: [RuleCode]
    let actions: [ActionCode]
    /// What a contact by each action costs and does, from the model's channel, tone and slot
    /// tables (zero for actions on no channel); kept apart so the actions stay small to copy.
    let contactTerms: [ContactTerms]
    let priority: Priority
    /// The lowest DPD any rule can match: accounts below it skip rule evaluation.
    let rulesMinDPD: Int32
    let agencyMinDPD: Int32
    /// The DPD values at which the set of matching rules can change — each rule's lower bound
    /// and one past its upper bound — ascending, for the regular and the agency rules.
    let ruleBoundaries: [Int]
    let agencyRuleBoundaries: [Int]
    /// Whether any rule holds only on working or only on non-working days.
    let usesDayMasks: Bool
    let skill: Double
    let callsPer1000: Double
    let visitsPer1000: Double

    /// - Precondition: segment names in conditions exist (the scenario loader checks this).
    public init(_ strategy: Strategy, model: ModelParameters) {
        self.strategy = strategy
        let segments = model.population.segments.map(\.name)
        let coefficients = model.coefficients
        var actions: [ActionCode] = []
        func compile(_ rules: [Rule]) -> [RuleCode] {
            rules.map { rule in
                let c = rule.condition
                var gradeMask: UInt8 = 0x1F
                if let g = c.grades { gradeMask = g.reduce(0) { $0 | (1 << UInt8($1.rawValue)) } }
                var segmentMask: UInt64 = .max
                if let names = c.segments {
                    segmentMask = 0
                    for n in names {
                        guard let i = segments.firstIndex(of: n) else { preconditionFailure("unknown segment \(n)") }
                        segmentMask |= 1 << UInt64(i)
                    }
                }
                let start = actions.count
                let lead = rule.actions.firstIndex { $0.kind.usesCollector }
                for a in rule.actions {
                    actions.append(ActionCode(kind: a.kind, role: a.kind.role, every: Int32(a.everyDays), slot: a.slot, tone: a.tone,
                                              attempts: a.attemptsPerDay, thirdParty: a.thirdParty,
                                              installments: Int32(a.installments), downPayment: a.downPayment,
                                              feeWaiver: a.feeWaiver, breakAfter: Int32(a.breakAfterMisses),
                                              deferralDays: Int32(a.deferralDays),
                                              commission: a.commission ?? coefficients.agencyCommission))
                }
                return RuleCode(dpdLo: Int32(clamping: c.dpd?.lowerBound ?? Int(Int32.min)),
                                dpdHi: Int32(clamping: c.dpd?.upperBound ?? Int(Int32.max)),
                                gradeMask: gradeMask, segmentMask: segmentMask,
                                riskLo: c.risk?.lowerBound ?? -.infinity, riskHi: c.risk?.upperBound ?? .infinity,
                                overdueLo: c.overdue?.lowerBound ?? -.infinity, overdueHi: c.overdue?.upperBound ?? .infinity,
                                required: c.required.rawValue, forbidden: c.forbidden.rawValue,
                                actionStart: start, actionCount: rule.actions.count,
                                needsCall: rule.actions.contains { $0.kind.channel == .call },
                                needsVisit: rule.actions.contains { $0.kind.channel == .visit },
                                dayMask: c.workingDay.map { $0 ? 1 : 2 } ?? 3,
                                leadCollectorAction: lead.map { start + $0 } ?? -1)
            }
        }
        rules = compile(strategy.rules)
        agencyRules = compile(strategy.agencyRules)
        self.actions = actions
        contactTerms = actions.map { a in
            a.kind.channel.map { ContactTerms(channel: $0, slot: a.slot, tone: a.tone, model: model, c: coefficients) } ?? ContactTerms()
        }
        rulesMinDPD = rules.map(\.dpdLo).min() ?? Int32.max
        agencyMinDPD = agencyRules.map(\.dpdLo).min() ?? Int32.max
        func boundaries(_ rules: [RuleCode]) -> [Int] {
            Set(rules.flatMap { [Int($0.dpdLo), Int($0.dpdHi) + 1] }).sorted()
        }
        ruleBoundaries = boundaries(rules)
        agencyRuleBoundaries = boundaries(agencyRules)
        usesDayMasks = (rules + agencyRules).contains { $0.dayMask != 3 }
        priority = strategy.priority
        skill = strategy.collectorSkill ?? coefficients.collectorSkill
        callsPer1000 = strategy.callsPerDayPer1000 ?? coefficients.callsPer1000
        visitsPer1000 = strategy.visitsPerDayPer1000 ?? coefficients.visitsPer1000
    }

    /// The lowest DPD above `dpd` at which a different set of rules may match (Int.max: none).
    @inline(__always)
    func nextRuleBoundary(after dpd: Int, agency: Bool) -> Int {
        for b in agency ? agencyRuleBoundaries : ruleBoundaries where b > dpd { return b }
        return Int.max
    }
}
