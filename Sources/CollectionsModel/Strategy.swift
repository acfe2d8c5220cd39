/// The tone of a contact.
public enum Tone: Int, CaseIterable, Sendable {
    case gentle = 0, firm, empathetic
    public var name: String { String(describing: self) }
    public init?(name: String) {
        guard let t = Tone.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }
}

/// What a strategy can do to an account (docs/model.md §4).
public enum ActionKind: Int, CaseIterable, Sendable {
    case sms = 0, push, email, call, visit, followup, counselling, education, installment, deferral, agency, legal

    /// How many action kinds there are, spelled with the last case so that it folds to a
    /// constant in the daily loop (`allCases.count` does not); a new last case changes it here.
    /// `AccountStore.layoutProblems` checks it against `allCases`.
    @inline(__always) public static var count: Int { ActionKind.legal.rawValue + 1 }

    public var name: String { String(describing: self) }
    public init?(name: String) {
        guard let k = ActionKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = k
    }

    /// The contact channel the action travels on. Counselling and offers are made on a call.
    public var channel: Channel? {
        switch self {
        case .sms: return .sms
        case .push: return .push
        case .email: return .email
        case .call, .counselling, .installment, .deferral: return .call
        case .visit: return .visit
        case .followup: return .followup
        case .education, .agency, .legal: return nil
        }
    }

    /// Actions done at most once per account.
    public var isOnce: Bool { self == .education || self == .agency || self == .legal }
    /// Actions that need a collector (and so draw on daily capacity).
    public var usesCollector: Bool { channel == .call || channel == .visit }

    /// How a day treats an action of this kind: a message, sent at once when due; collector
    /// work, queued for the day's collectors when due; or a once-action (placement, enrolment,
    /// a lawsuit), taken the first day its rule applies. The short path (`QuietDays`) reads
    /// only this, so a new kind does not touch it.
    public enum Role: Sendable { case message, collector, once }

    public var role: Role { isOnce ? .once : usesCollector ? .collector : .message }
}

/// Account flags a rule can test.
public struct AccountFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let onPlan = AccountFlags(rawValue: 1 << 0)
    public static let promisePending = AccountFlags(rawValue: 1 << 1)
    public static let promiseBroken = AccountFlags(rawValue: 1 << 2)
    public static let complainedRecently = AccountFlags(rawValue: 1 << 3)
    public static let hardshipReported = AccountFlags(rawValue: 1 << 4)
    public static let placed = AccountFlags(rawValue: 1 << 5)
    public static let legalPending = AccountFlags(rawValue: 1 << 6)
    public static let educated = AccountFlags(rawValue: 1 << 7)
    public static let counselled = AccountFlags(rawValue: 1 << 8)
    public static let inDeferral = AccountFlags(rawValue: 1 << 9)
    public static let planBroken = AccountFlags(rawValue: 1 << 10)
    public static let chargedOff = AccountFlags(rawValue: 1 << 11)

    /// Names a scenario uses for the flags a rule may test.
    public static let named: [(String, AccountFlags)] = [
        ("on_plan", .onPlan), ("promise_pending", .promisePending), ("promise_broken", .promiseBroken),
        ("complained_recently", .complainedRecently), ("hardship_reported", .hardshipReported),
        ("placed", .placed), ("legal_pending", .legalPending), ("educated", .educated),
        ("counselled", .counselled), ("in_deferral", .inDeferral), ("plan_broken", .planBroken),
        ("charged_off", .chargedOff),
    ]
}

/// A rule's condition over observable state. Every present clause must hold.
public struct Condition: Sendable, Hashable {
    /// Inclusive DPD range; negative DPD is days until the next due date of a current account.
    public var dpd: ClosedRange<Int>?
    public var grades: Set<Grade>?
    /// Segment names (resolved to indices when compiled).
    public var segments: Set<String>?
    /// Inclusive band of the risk score, as a population percentile in [0, 1] (1 = riskiest).
    public var risk: ClosedRange<Double>?
    /// Inclusive band of the amount overdue.
    public var overdue: ClosedRange<Double>?
    public var required: AccountFlags
    public var forbidden: AccountFlags
    /// Only on working days (true), only on weekends and holidays (false), or any day (nil).
    public var workingDay: Bool?

    public init(dpd: ClosedRange<Int>? = nil, grades: Set<Grade>? = nil, segments: Set<String>? = nil,
                risk: ClosedRange<Double>? = nil, overdue: ClosedRange<Double>? = nil,
                required: AccountFlags = [], forbidden: AccountFlags = [], workingDay: Bool? = nil) {
        self.dpd = dpd; self.grades = grades; self.segments = segments; self.risk = risk
        self.overdue = overdue; self.required = required; self.forbidden = forbidden
        self.workingDay = workingDay
    }

    /// Whether this condition holds for every account that `other` holds for: a rule with it,
    /// placed first, leaves a rule with `other` no account.
    public func covers(_ other: Condition) -> Bool {
        func contains<T>(_ a: ClosedRange<T>?, _ b: ClosedRange<T>?) -> Bool {
            guard let a else { return true }
            guard let b else { return false }
            return a.lowerBound <= b.lowerBound && b.upperBound <= a.upperBound
        }
        func superset<T>(_ a: Set<T>?, _ b: Set<T>?) -> Bool {
            guard let a else { return true }
            guard let b else { return false }
            return b.isSubset(of: a)
        }
        return contains(dpd, other.dpd) && contains(risk, other.risk) && contains(overdue, other.overdue)
            && superset(grades, other.grades) && superset(segments, other.segments)
            && other.required.isSuperset(of: required) && other.forbidden.isSuperset(of: forbidden)
            && (workingDay == nil || workingDay == other.workingDay)
    }
}

/// One action of a rule with its cadence and terms.
public struct Action: Sendable, Hashable {
    public var kind: ActionKind
    /// Act when at least this many days have passed since this kind of action last happened.
    public var everyDays: Int
    public var slot: Slot
    public var tone: Tone
    /// Call attempts a day until the right party answers.
    public var attemptsPerDay: Int
    /// Contact a third party when the borrower cannot be reached (subject to compliance).
    public var thirdParty: Bool
    /// Installment plan terms.
    public var installments: Int
    public var downPayment: Double
    public var feeWaiver: Bool
    public var breakAfterMisses: Int
    /// Deferral length.
    public var deferralDays: Int
    /// Agency commission (nil: the parameter table's `agency.commission`).
    public var commission: Double?

    public init(kind: ActionKind, everyDays: Int = 1, slot: Slot = .afternoon, tone: Tone = .gentle,
                attemptsPerDay: Int = 1, thirdParty: Bool = false, installments: Int = 6,
                downPayment: Double = 0, feeWaiver: Bool = false, breakAfterMisses: Int = 2,
                deferralDays: Int = 60, commission: Double? = nil) {
        self.kind = kind; self.everyDays = everyDays; self.slot = slot; self.tone = tone
        self.attemptsPerDay = attemptsPerDay; self.thirdParty = thirdParty
        self.installments = installments; self.downPayment = downPayment; self.feeWaiver = feeWaiver
        self.breakAfterMisses = breakAfterMisses; self.deferralDays = deferralDays; self.commission = commission
    }
}

/// An ordered rule: the first rule whose condition holds decides an account's actions that day.
public struct Rule: Sendable, Hashable {
    public var condition: Condition
    public var actions: [Action]
    public init(condition: Condition, actions: [Action]) {
        self.condition = condition
        self.actions = actions
    }
}

/// Who gets a collector first when call or visit demand exceeds capacity.
public enum Priority: String, Sendable, CaseIterable {
    /// Highest risk score first.
    case risk
    /// Largest amount overdue first.
    case balance
    /// Oldest debt first.
    case dpd
    /// Youngest debt first (early collection).
    case early
}

/// A collection strategy as data (docs/model.md §6).
public struct Strategy: Sendable, Hashable {
    public var name: String
    public var description: String
    public var priority: Priority
    public var rules: [Rule]
    /// Rules the agency follows for accounts placed with it (empty: the built-in agency rules
    /// resolved by the scenario loader).
    public var agencyRules: [Rule]
    /// The built-in strategy the agency rules were taken from (recorded for the resolved scenario).
    public var agencyStrategy: String?
    /// Overrides of collector skill and capacity for this strategy (nil: the parameter table's).
    public var collectorSkill: Double?
    public var callsPerDayPer1000: Double?
    public var visitsPerDayPer1000: Double?

    public init(name: String, description: String = "", priority: Priority = .risk, rules: [Rule],
                agencyRules: [Rule] = [], collectorSkill: Double? = nil,
                callsPerDayPer1000: Double? = nil, visitsPerDayPer1000: Double? = nil) {
        self.name = name; self.description = description; self.priority = priority; self.rules = rules
        self.agencyRules = agencyRules; self.collectorSkill = collectorSkill
        self.callsPerDayPer1000 = callsPerDayPer1000; self.visitsPerDayPer1000 = visitsPerDayPer1000
    }
}
