/// Additive quantities accumulated per group (all accounts, each segment, each grade).
public enum Quantity: Int, CaseIterable, Sendable {
    case accounts = 0, outstanding, collected, discountedCollected, costs, commission
    case everDelinquent, cured, defaulted, chargedOff, resolved, settled
    case complaints, escalations, violations, blocked, disputes, lawsuits
    case satisfaction, retention, peakStress, willingness, literacy
    case messages, callAttempts, callsConnected, visits, followups
    case plansOffered, plansAccepted, plansBroken, plansCompleted, deferrals, placements
    case educated, counselled, callsUnserved, overdueAtEntry, overdueRecovered

    public var name: String { String(describing: self) }
}

/// Where an account stood when it entered the simulation. Grouping by it compares strategies
/// on the same accounts (it does not depend on what a strategy does), so late-stage effects can
/// be measured with common random numbers.
public enum EntryStage: Int, CaseIterable, Sendable {
    /// Not delinquent at entry.
    case current = 0
    /// Delinquent at entry, below `metrics.default_dpd`.
    case delinquent
    /// At or past `metrics.default_dpd` at entry.
    case defaulted

    public var name: String { "entry_\(self)" }
}

/// The groups every run reports besides its segments (the `segment` column of `metrics.csv`):
/// all accounts, each grade, each stage at entry. A segment may not take one of these names, nor
/// their prefixes, or reports and the registry would show its figures as the book's.
public enum ReportGroups {
    public static let all = "all"
    public static let grades = Grade.allCases.map { "grade_\($0.name)" }
    public static let stages = EntryStage.allCases.map(\.name)
    public static let reservedPrefixes = ["grade_", "entry_"]

    /// Whether a segment name would be read as a built-in group.
    public static func isReserved(_ name: String) -> Bool { name == all || reservedPrefixes.contains { name.hasPrefix($0) } }
}

/// The groups one account's outcome is added to, besides "all".
struct GroupIndices {
    var segment: Int, grade: Int, stage: Int

    /// Tally group indices of an account's segment, grade and entry stage.
    @inline(__always)
    init(segment: UInt8, grade: UInt8, stage: UInt8, segmentCount: Int) {
        self.segment = 1 + Int(segment)
        self.grade = 1 + segmentCount + Int(grade)
        self.stage = 1 + segmentCount + Grade.allCases.count + Int(stage)
    }
}

/// Daily curves accumulated as counts or amounts per day (made cumulative by Analysis).
public enum CurveKind: Int, CaseIterable, Sendable {
    /// Accounts reaching default (DPD ≥ metrics.default_dpd) for the first time.
    case defaults = 0
    /// Accounts reaching charge-off for the first time.
    case chargeoffs
    /// Ever-delinquent accounts curing for the first time.
    case cures
    /// Amount collected.
    case collected
    /// Complaints.
    case complaints

    public var name: String {
        switch self {
        case .defaults: return "default"
        case .chargeoffs: return "chargeoff"
        case .cures: return "cure"
        case .collected: return "recovery"
        case .complaints: return "complaints"
        }
    }
}

/// States an account is seen in at month ends, as a monthly history records it (its roll
/// bucket at the end of each 30-day month).
public enum MonthEndKind: Int, CaseIterable, Sendable {
    /// Current or settled at a month end after being seen delinquent (1-29 … charged off) at
    /// entry or at an earlier month end.
    case cure = 0
    /// 90-179 days past due or charged off.
    case `default`

    public var name: String { String(describing: self) }
}

/// Streaming, mergeable results of one strategy over some borrowers: additive quantities per
/// group, a days-to-resolution histogram per group, and daily curves for all accounts.
///
/// Memory is fixed by the number of groups and the horizon, never by the number of accounts.
/// Groups: 0 = all, then one per segment, one per grade, one per entry stage.
public struct Tally: Sendable, Hashable {
    public let groupCount: Int
    public let horizonDays: Int
    public private(set) var sums: [Double]
    /// Per group, H+1 bins: days from first delinquency to cure or settlement.
    public private(set) var resolutionDays: [Double]
    /// Per curve kind, H values (day 0…H−1). `initial` holds the day-0 stock (defaulted or
    /// charged off at entry) for the stock curves.
    public private(set) var curves: [Double]
    public private(set) var initialDefaults: Double = 0
    public private(set) var initialChargeoffs: Double = 0
    /// Collector call capacity offered (attempts) and used over the horizon.
    public private(set) var callCapacity: Double = 0
    public private(set) var callsUsed: Double = 0
    /// Per 30-day month, accounts moving from one roll bucket at its start to another at its end
    /// (`rollBuckets` × `rollBuckets`, row = from).
    public private(set) var rolls: [Double]
    /// Per `MonthEndKind`, accounts first seen in that state at a month's end: index 0 holds
    /// those seen in it at entry, index m + 1 those first seen in it at the end of month m.
    /// These are what a monthly account history can observe (`collectsim observe`), unlike the
    /// daily curves, which also count a delinquency that starts and cures within one month.
    public private(set) var monthEnds: [Double]

    /// Delinquency buckets of the roll-rate matrix (docs/model.md §8).
    public static let rollBuckets = ["current", "1-29", "30-59", "60-89", "90-179", "charged_off", "settled"]
    /// An account's roll bucket (index into `rollBuckets`) at the end of a day: settled when paid
    /// off, charged off when past charge-off or closed by the courts unpaid, else by DPD.
    @inline(__always)
    public static func rollBucket(balance: Double, chargedOffOrClosed: Bool, dpd: Int32) -> UInt8 {
        if balance <= Money.settled { return 6 }
        if chargedOffOrClosed { return 5 }
        return dpd <= 0 ? 0 : dpd < 30 ? 1 : dpd < 60 ? 2 : dpd < 90 ? 3 : dpd < 180 ? 4 : 5
    }
    /// Whole 30-day months in a horizon.
    public static func rollMonths(horizonDays: Int) -> Int { horizonDays / 30 }

    public init(segmentCount: Int, horizonDays: Int) {
        groupCount = 1 + segmentCount + Grade.allCases.count + EntryStage.allCases.count
        self.horizonDays = horizonDays
        sums = [Double](repeating: 0, count: groupCount * Quantity.allCases.count)
        resolutionDays = [Double](repeating: 0, count: groupCount * (horizonDays + 1))
        curves = [Double](repeating: 0, count: CurveKind.allCases.count * horizonDays)
        rolls = [Double](repeating: 0, count: Self.rollMonths(horizonDays: horizonDays) * Self.rollBuckets.count * Self.rollBuckets.count)
        monthEnds = [Double](repeating: 0, count: MonthEndKind.allCases.count * (Self.rollMonths(horizonDays: horizonDays) + 1))
    }

    /// Every value of the tally, in a fixed order, for checkpoints; `init(encoded:)` reads it
    /// back bit for bit.
    public func encoded() -> [Double] {
        [Double(groupCount), Double(horizonDays), initialDefaults, initialChargeoffs, callCapacity, callsUsed]
            + sums + resolutionDays + curves + rolls + monthEnds
    }

    /// A tally from `encoded()`; nil when the values do not describe a tally of this shape.
    public init?(encoded v: [Double], segmentCount: Int, horizonDays: Int) {
        self.init(segmentCount: segmentCount, horizonDays: horizonDays)
        let header = 6
        guard v.count == header + sums.count + resolutionDays.count + curves.count + rolls.count + monthEnds.count,
              v[0] == Double(groupCount), v[1] == Double(horizonDays) else { return nil }
        initialDefaults = v[2]; initialChargeoffs = v[3]; callCapacity = v[4]; callsUsed = v[5]
        var i = header
        for k in sums.indices { sums[k] = v[i]; i += 1 }
        for k in resolutionDays.indices { resolutionDays[k] = v[i]; i += 1 }
        for k in curves.indices { curves[k] = v[i]; i += 1 }
        for k in rolls.indices { rolls[k] = v[i]; i += 1 }
        for k in monthEnds.indices { monthEnds[k] = v[i]; i += 1 }
    }

    /// Bytes one tally holds for `segmentCount` segments over `horizonDays` days.
    public static func byteSize(segmentCount: Int, horizonDays: Int) -> Int {
        let groups = 1 + segmentCount + Grade.allCases.count + EntryStage.allCases.count
        let doubles = groups * Quantity.allCases.count + groups * (horizonDays + 1) + CurveKind.allCases.count * horizonDays
            + rollMonths(horizonDays: horizonDays) * (rollBuckets.count * rollBuckets.count + MonthEndKind.allCases.count)
            + MonthEndKind.allCases.count
        return doubles * MemoryLayout<Double>.stride + 256
    }

    /// Accounts in bucket `from` at the start of 30-day month `month` (0-based) and in bucket `to` at its end.
    public func roll(month: Int, from: Int, to: Int) -> Double {
        let b = Self.rollBuckets.count
        return rolls[(month * b + from) * b + to]
    }

    /// Accounts first seen in state `kind` at entry (`month` 0) or at the end of 30-day month
    /// `month` − 1 (`month` 1…).
    public func monthEnd(_ kind: MonthEndKind, month: Int) -> Double {
        monthEnds[kind.rawValue * (Self.rollMonths(horizonDays: horizonDays) + 1) + month]
    }

    public func value(_ q: Quantity, group: Int = 0) -> Double { sums[group * Quantity.allCases.count + q.rawValue] }
    public func curve(_ c: CurveKind) -> ArraySlice<Double> { curves[(c.rawValue * horizonDays)..<((c.rawValue + 1) * horizonDays)] }
    public func resolutionHistogram(group: Int) -> ArraySlice<Double> {
        resolutionDays[(group * (horizonDays + 1))..<((group + 1) * (horizonDays + 1))]
    }

    /// Adds `other` into this tally; merging in a fixed order keeps results bit-identical.
    public mutating func merge(_ other: Tally) {
        precondition(other.groupCount == groupCount && other.horizonDays == horizonDays)
        for i in sums.indices { sums[i] += other.sums[i] }
        for i in resolutionDays.indices { resolutionDays[i] += other.resolutionDays[i] }
        for i in curves.indices { curves[i] += other.curves[i] }
        for i in rolls.indices { rolls[i] += other.rolls[i] }
        for i in monthEnds.indices { monthEnds[i] += other.monthEnds[i] }
        initialDefaults += other.initialDefaults
        initialChargeoffs += other.initialChargeoffs
        callCapacity += other.callCapacity
        callsUsed += other.callsUsed
    }

    // Writers used by the block simulator.
    mutating func add(_ q: Quantity, _ v: Double, groups: GroupIndices) {
        let n = Quantity.allCases.count
        sums.withUnsafeMutableBufferPointer { s in
            s[q.rawValue] += v
            s[groups.segment * n + q.rawValue] += v
            s[groups.grade * n + q.rawValue] += v
            s[groups.stage * n + q.rawValue] += v
        }
    }
    mutating func addTotal(_ q: Quantity, _ v: Double) { sums[q.rawValue] += v }
    mutating func addResolution(day: Int, groups: GroupIndices) {
        let w = horizonDays + 1
        let d = min(max(day, 0), horizonDays)
        resolutionDays[d] += 1
        resolutionDays[groups.segment * w + d] += 1
        resolutionDays[groups.grade * w + d] += 1
        resolutionDays[groups.stage * w + d] += 1
    }
    mutating func addCurve(_ c: CurveKind, day: Int, _ v: Double) { curves[c.rawValue * horizonDays + day] += v }
    mutating func addInitial(defaulted: Bool, chargedOff: Bool) {
        if defaulted { initialDefaults += 1 }
        if chargedOff { initialChargeoffs += 1 }
    }
    /// An account's roll bucket at entry, with the month-end states it is seen in then (see
    /// `addRoll`), counted at month 0.
    mutating func enterRolls(bucket: UInt8) -> UInt8 {
        var state = bucket
        Self.seeMonthEnd(&state, bucket: bucket) { monthEnds[$0.rawValue * (Self.rollMonths(horizonDays: horizonDays) + 1)] += 1 }
        return state
    }

    /// Counts an account's move, over roll-rate month `month`, from the bucket in `state` (its
    /// bucket at the month's start) to `to`, which becomes its bucket at the start of the next
    /// month, and the month-end states (`MonthEndKind`) it is seen in for the first time.
    ///
    /// `state` holds the bucket in its low three bits and the month-end history in the others:
    /// whether the account has been seen delinquent (1-29 … charged off), cured and defaulted.
    mutating func addRoll(month: Int, bucket state: inout UInt8, to: UInt8) {
        let b = Self.rollBuckets.count
        rolls[(month * b + Int(state & Self.bucketMask)) * b + Int(to)] += 1
        let months = Self.rollMonths(horizonDays: horizonDays) + 1
        Self.seeMonthEnd(&state, bucket: to) { monthEnds[$0.rawValue * months + month + 1] += 1 }
    }

    static let bucketMask: UInt8 = 0b111
    private static let seenDelinquent: UInt8 = 1 << 3
    private static let seenCured: UInt8 = 1 << 4
    private static let seenDefaulted: UInt8 = 1 << 5

    /// Sets `state`'s bucket to `bucket` and reports each month-end state seen for the first
    /// time (`state` as `addRoll` keeps it; 0 before the account's first month end).
    @inline(__always)
    public static func seeMonthEnd(_ state: inout UInt8, bucket: UInt8, _ firstSeen: (MonthEndKind) -> Void) {
        var flags = state & ~bucketMask
        if bucket >= 1 && bucket <= 5 { flags |= seenDelinquent }
        if (bucket == 0 || bucket == 6) && flags & seenDelinquent != 0 && flags & seenCured == 0 {
            flags |= seenCured
            firstSeen(.cure)
        }
        if (bucket == 4 || bucket == 5) && flags & seenDefaulted == 0 {
            flags |= seenDefaulted
            firstSeen(.default)
        }
        state = flags | bucket
    }
    mutating func addCallCapacity(offered: Double, used: Double) { callCapacity += offered; callsUsed += used }
}
