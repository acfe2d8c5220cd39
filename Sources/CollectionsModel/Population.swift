/// Credit grades A (best) to E (worst).
public enum Grade: Int, CaseIterable, Sendable, Codable {
    case A = 0, B, C, D, E
    public var name: String { ["A", "B", "C", "D", "E"][rawValue] }
    public init?(name: String) {
        guard let g = Grade.allCases.first(where: { $0.name == name }) else { return nil }
        self = g
    }
}

/// A borrower segment: its weight in the cohort and the distributions its accounts are drawn from.
public struct Segment: Sendable, Hashable {
    public var name: String
    public var weight: Double
    /// Weights of grades A–E within the segment (normalised when drawn).
    public var gradeWeights: [Double]
    /// Shift of the latent default propensity z (standard-normal units; higher is riskier).
    public var propensityShift: Double
    public var balanceMedian: Double
    public var balanceSigma: Double
    public var termMonthsMin: Int
    public var termMonthsMax: Int
    /// Daily able→hardship and hardship→able switching probabilities.
    public var hardshipRate: Double
    public var recoveryRate: Double
    /// Probability of starting in hardship, for current and for delinquent accounts.
    public var initialHardshipCurrent: Double
    public var initialHardshipDelinquent: Double
    public var literacyMean: Double
    public var literacyConcentration: Double
    /// Probability an account has a working phone, SMS, email, app.
    public var reachPhone: Double
    public var reachSMS: Double
    public var reachEmail: Double
    public var reachApp: Double
    /// Multiplier of the complaint propensity κ.
    public var complaintMultiplier: Double

    public init(name: String, weight: Double, gradeWeights: [Double], propensityShift: Double,
                balanceMedian: Double, balanceSigma: Double, termMonthsMin: Int, termMonthsMax: Int,
                hardshipRate: Double, recoveryRate: Double, initialHardshipCurrent: Double,
                initialHardshipDelinquent: Double, literacyMean: Double, literacyConcentration: Double,
                reachPhone: Double, reachSMS: Double, reachEmail: Double, reachApp: Double,
                complaintMultiplier: Double) {
        self.name = name; self.weight = weight; self.gradeWeights = gradeWeights
        self.propensityShift = propensityShift; self.balanceMedian = balanceMedian
        self.balanceSigma = balanceSigma; self.termMonthsMin = termMonthsMin; self.termMonthsMax = termMonthsMax
        self.hardshipRate = hardshipRate; self.recoveryRate = recoveryRate
        self.initialHardshipCurrent = initialHardshipCurrent; self.initialHardshipDelinquent = initialHardshipDelinquent
        self.literacyMean = literacyMean; self.literacyConcentration = literacyConcentration
        self.reachPhone = reachPhone; self.reachSMS = reachSMS; self.reachEmail = reachEmail; self.reachApp = reachApp
        self.complaintMultiplier = complaintMultiplier
    }
}

/// The cohort: its size, start-state mix and segments.
public struct PopulationSpec: Sendable, Hashable {
    public var size: Int
    /// Share of accounts delinquent at entry; the rest are current with a due date within `dueWithinDays`.
    public var delinquentShare: Double
    /// Mean of the (exponential, rounded up) initial DPD of delinquent accounts, capped at `maxInitialDPD`.
    public var initialDPDMean: Double
    public var maxInitialDPD: Int
    public var dueWithinDays: Int
    public var segments: [Segment]
    /// A lender's book whose accounts are the population (`size` is then its count); nil: the
    /// cohort is generated from the segments.
    public var book: AccountBook?

    public init(size: Int, delinquentShare: Double, initialDPDMean: Double, maxInitialDPD: Int, dueWithinDays: Int, segments: [Segment]) {
        self.size = size; self.delinquentShare = delinquentShare; self.initialDPDMean = initialDPDMean
        self.maxInitialDPD = maxInitialDPD; self.dueWithinDays = dueWithinDays; self.segments = segments
    }
}

/// Time slots of a day in which contact is attempted (docs/model.md §1).
public enum Slot: Int, CaseIterable, Sendable {
    case morning = 0, afternoon, evening, night
    public var name: String { String(describing: self) }
    /// Local hours [start, end) covered by the slot; night wraps past midnight (21–09).
    public var hours: (start: Int, end: Int) {
        switch self {
        case .morning: return (9, 12)
        case .afternoon: return (12, 18)
        case .evening: return (18, 21)
        case .night: return (21, 33)
        }
    }
    public init?(name: String) {
        guard let s = Slot.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}

/// Weekdays, weekends and holidays over the horizon.
public struct SimulationCalendar: Sendable, Hashable {
    /// Weekday of day 0: 0 = Monday … 6 = Sunday.
    public var startWeekday: Int
    /// Days (0-based, within the horizon) that are holidays.
    public var holidays: Set<Int>

    public init(startWeekday: Int = 0, holidays: Set<Int> = []) {
        self.startWeekday = startWeekday
        self.holidays = holidays
    }

    /// True on Saturdays, Sundays and holidays.
    public func isNonWorking(_ day: Int) -> Bool {
        let wd = (startWeekday + day) % 7
        return wd >= 5 || holidays.contains(day)
    }
}
