import Foundation
import Stochastics

/// What one simulated day needs to act on the accounts of a block: the model, the strategy
/// compiled to flat rules and actions, and each account field as a constant offset from the
/// block's records. The mechanisms are extensions of it, one file each under `Mechanisms/`
/// (latent dynamics, contact and compliance, payments, plans and deferral, complaints,
/// education, agency and legal), and the day is put together from them in `Day/`: the rule
/// choice, the collector queue, the settlement and the short path for quiet days.
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
    /// decay(DPD), by DPD (`ModelParameters.decayByDPD`).
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
    /// Fatigue per channel, as of the day in `fatigueDay` (it decays lazily, on use).
    var fatigue: Slots<Double, Channel> { Slots(AccountField(records, .fatigue0)) }
    var fatigueDay: Slots<Int32, Channel> { Slots(AccountField(records, .fatigueDay0)) }
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
    /// The day each kind of action last acted on the account.
    var last: Slots<Int32, ActionKind> { Slots(AccountField(records, .last0)) }
    var defaultDay: AccountField<Int32> { AccountField(records, .defaultDay) }
    var chargeoffDay: AccountField<Int32> { AccountField(records, .chargeoffDay) }
    var cureDay: AccountField<Int32> { AccountField(records, .cureDay) }
    var resolvedDay: AccountField<Int32> { AccountField(records, .resolvedDay) }
    var delinquentSince: AccountField<Int32> { AccountField(records, .delinquentSince) }
    var tolerance: AccountField<Int32> { AccountField(records, .tolerance) }
    /// Per-account contact counters (CountField order), summed into the tally at the horizon.
    var counts: Slots<Int32, CountField> { Slots(AccountField(records, .nMessages)) }
    let compliance: ComplianceRules
    let enforce: Bool
    /// Where the block's random draws are counted (`BlockSimulator.drawsMade`).
    let drawCounter: UnsafeMutablePointer<Int>
    /// Where engine events are counted, by `EngineEvent` (only in a `-DCOLLECTSIM_EVENTS` build).
    let events: UnsafeMutablePointer<Int>

    init(store s: AccountStore, model: ModelParameters, strategy: CompiledStrategy,
         rules: UnsafeBufferPointer<CompiledStrategy.RuleCode>, agencyRules: UnsafeBufferPointer<CompiledStrategy.RuleCode>,
         actions: UnsafeBufferPointer<CompiledStrategy.ActionCode>,
         contactTerms: UnsafeBufferPointer<CompiledStrategy.ContactTerms>, drawCounter: UnsafeMutablePointer<Int>,
         events: UnsafeMutablePointer<Int>) {
        self.drawCounter = drawCounter
        self.events = events
        self.model = model; c = model.coefficients; self.strategy = strategy; self.rules = rules
        self.agencyRules = agencyRules; self.actions = actions; self.contactTerms = contactTerms
        decay = model.decayByDPD; installmentFallsDue = model.installmentFallsDue; fatigueKeepPowers = model.fatigueKeepPowers
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

    @inline(__always)
    func groups(_ j: Int) -> GroupIndices {
        GroupIndices(segment: segment[j], grade: grade[j], stage: entryStage[j], segmentCount: model.population.segments.count)
    }
}

/// An amount within half a cent of zero counts as zero: balances and arrears are sums and
/// differences of `Double`s, whose rounding must not keep a paid account open.
public enum Money {
    public static let settled = 0.005
}
