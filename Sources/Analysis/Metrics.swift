import CollectionsModel
import Stochastics

/// A metric computed from one replication's tally for one group (docs/model.md §8).
public struct MetricDefinition: Sendable {
    public let name: String
    public let meaning: String
    /// Whether a higher value is better (for marking winners in reports).
    public let higherIsBetter: Bool
    /// What its numbers are, which decides how reports write and chart it.
    public let unit: MetricUnit
    /// The values the metric can take: counts, rates and costs are never negative, shares of
    /// accounts (and 0–1 scores) never above one. Confidence intervals are cut to it.
    public internal(set) var range: ClosedRange<Double> = 0...Double.infinity
    let compute: @Sendable (Tally, Int) -> Double

    public func value(_ tally: Tally, group: Int = 0) -> Double { compute(tally, group) }
}

/// What a metric's numbers are, declared once per metric.
public enum MetricUnit: String, Sendable {
    /// A share of accounts, of money, of attempts or of capacity (0–1): written as a percentage,
    /// and differences as percentage points.
    case share
    /// A count per 1,000 accounts (or per 1,000 calls).
    case perThousand
    /// An amount or a count per account.
    case perAccount
    /// A ratio of amounts.
    case ratio
    /// A 0–1 score that is not a share of anything (satisfaction, retention, willingness).
    case score
    case days

    /// What a value is multiplied by to be shown: 100 for a share, else 1.
    public var displayScale: Double { self == .share ? 100 : 1 }
}

/// Every metric a run reports (docs/model.md §8), by name, with its meaning and unit.
public enum Metrics {
    static func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }

    /// Every metric, in output order.
    public static let all: [MetricDefinition] = [
        .init(name: "recovery_rate", meaning: "amount collected within the horizon / amount outstanding at entry: cash over the whole balance, scheduled installments of current accounts included (overdue_recovery_rate is the collections figure)", higherIsBetter: true, unit: .share) { t, g in
            ratio(t.value(.collected, group: g), t.value(.outstanding, group: g)) },
        .init(name: "overdue_recovery_rate", meaning: "balance at entry of accounts delinquent at entry that are current or paid off at the horizon / balance at entry of all accounts delinquent at entry (the industry's recovery of overdue amounts, 催回率 by amount)", higherIsBetter: true, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.overdueRecovered, group: g), t.value(.overdueAtEntry, group: g)) },
        .init(name: "net_recovery_rate", meaning: "(collected − collection costs − commissions) / outstanding at entry", higherIsBetter: true, unit: .share, range: -Double.infinity...Double.infinity) { t, g in
            ratio(t.value(.collected, group: g) - t.value(.costs, group: g) - t.value(.commission, group: g), t.value(.outstanding, group: g)) },
        .init(name: "npv_recovery_rate", meaning: "collections discounted at payment.discount_rate / outstanding at entry", higherIsBetter: true, unit: .share) { t, g in
            ratio(t.value(.discountedCollected, group: g), t.value(.outstanding, group: g)) },
        .init(name: "cure_rate", meaning: "share of accounts delinquent at some point that cured (arrears fully paid) at least once", higherIsBetter: true, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.cured, group: g), t.value(.everDelinquent, group: g)) },
        .init(name: "default_rate", meaning: "share of accounts that reached default (DPD ≥ metrics.default_dpd), at entry or within the horizon", higherIsBetter: false, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.defaulted, group: g), t.value(.accounts, group: g)) },
        .init(name: "chargeoff_rate", meaning: "share of accounts that reached charge-off (DPD ≥ metrics.chargeoff_dpd)", higherIsBetter: false, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.chargedOff, group: g), t.value(.accounts, group: g)) },
        .init(name: "complaints_per_1000", meaning: "complaints per 1,000 accounts over the horizon", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.complaints, group: g), t.value(.accounts, group: g)) },
        .init(name: "escalations_per_1000", meaning: "complaints escalated to the regulator per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.escalations, group: g), t.value(.accounts, group: g)) },
        .init(name: "violations_per_1000", meaning: "compliance violations committed (report mode) per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.violations, group: g), t.value(.accounts, group: g)) },
        .init(name: "blocked_per_1000", meaning: "contact attempts blocked by compliance (enforce mode) per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.blocked, group: g), t.value(.accounts, group: g)) },
        .init(name: "lawsuits_per_1000", meaning: "lawsuits filed per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.lawsuits, group: g), t.value(.accounts, group: g)) },
        .init(name: "disputes_per_1000", meaning: "legal disputes per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.disputes, group: g), t.value(.accounts, group: g)) },
        .init(name: "cost_per_unit_recovered", meaning: "(collection costs + commissions) / amount collected", higherIsBetter: false, unit: .ratio) { t, g in
            ratio(t.value(.costs, group: g) + t.value(.commission, group: g), t.value(.collected, group: g)) },
        .init(name: "cost_per_account", meaning: "(collection costs + commissions) per account", higherIsBetter: false, unit: .perAccount) { t, g in
            ratio(t.value(.costs, group: g) + t.value(.commission, group: g), t.value(.accounts, group: g)) },
        .init(name: "satisfaction", meaning: "mean satisfaction score at the horizon: a 0–1 score that starts at satisfaction.initial, not a share of satisfied borrowers", higherIsBetter: true, unit: .score, range: 0...1) { t, g in
            ratio(t.value(.satisfaction, group: g), t.value(.accounts, group: g)) },
        .init(name: "retention", meaning: "mean retention score at the horizon: the 0–1 probability a borrower would keep using the platform, not a measured share", higherIsBetter: true, unit: .score, range: 0...1) { t, g in
            ratio(t.value(.retention, group: g), t.value(.accounts, group: g)) },
        .init(name: "peak_stress", meaning: "mean over accounts of the peak stress reached (harm)", higherIsBetter: false, unit: .score) { t, g in
            ratio(t.value(.peakStress, group: g), t.value(.accounts, group: g)) },
        .init(name: "willingness", meaning: "mean willingness to pay at the horizon", higherIsBetter: true, unit: .score) { t, g in
            ratio(t.value(.willingness, group: g), t.value(.accounts, group: g)) },
        .init(name: "literacy", meaning: "mean financial literacy at the horizon", higherIsBetter: true, unit: .score) { t, g in
            ratio(t.value(.literacy, group: g), t.value(.accounts, group: g)) },
        .init(name: "commission_per_account", meaning: "agency commissions paid per account", higherIsBetter: false, unit: .perAccount) { t, g in
            ratio(t.value(.commission, group: g), t.value(.accounts, group: g)) },
        .init(name: "median_days_to_resolution", meaning: "median days from first delinquency to first cure or settlement, among accounts resolved within the horizon", higherIsBetter: false, unit: .days) { t, g in
            median(t.resolutionHistogram(group: g)) },
        .init(name: "contacts_per_account", meaning: "messages, call attempts, visits and follow-ups per account", higherIsBetter: false, unit: .perAccount) { t, g in
            ratio(t.value(.messages, group: g) + t.value(.callAttempts, group: g) + t.value(.visits, group: g) + t.value(.followups, group: g), t.value(.accounts, group: g)) },
        .init(name: "calls_per_account", meaning: "call attempts per account", higherIsBetter: false, unit: .perAccount) { t, g in
            ratio(t.value(.callAttempts, group: g), t.value(.accounts, group: g)) },
        .init(name: "rpc_per_account", meaning: "right-party call contacts per account", higherIsBetter: true, unit: .perAccount) { t, g in
            ratio(t.value(.callsConnected, group: g), t.value(.accounts, group: g)) },
        .init(name: "rpc_rate", meaning: "share of call attempts that reached the right party", higherIsBetter: true, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.callsConnected, group: g), t.value(.callAttempts, group: g)) },
        .init(name: "complaints_per_1000_calls", meaning: "complaints per 1,000 call attempts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.complaints, group: g), t.value(.callAttempts, group: g)) },
        .init(name: "plan_acceptance_rate", meaning: "installment plans accepted / offered", higherIsBetter: true, unit: .share) { t, g in
            ratio(t.value(.plansAccepted, group: g), t.value(.plansOffered, group: g)) },
        .init(name: "plans_per_1000", meaning: "installment plans accepted per 1,000 accounts", higherIsBetter: true, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.plansAccepted, group: g), t.value(.accounts, group: g)) },
        .init(name: "plan_break_rate", meaning: "plans broken / plans accepted", higherIsBetter: false, unit: .share) { t, g in
            ratio(t.value(.plansBroken, group: g), t.value(.plansAccepted, group: g)) },
        .init(name: "placements_per_1000", meaning: "accounts placed with an agency per 1,000 accounts", higherIsBetter: false, unit: .perThousand) { t, g in
            1000 * ratio(t.value(.placements, group: g), t.value(.accounts, group: g)) },
        .init(name: "resolved_within_30_days", meaning: "share of ever-delinquent accounts cured or settled within 30 days of first delinquency", higherIsBetter: true, unit: .share, range: 0...1) { t, g in
            ratio(t.resolutionHistogram(group: g).prefix(31).reduce(0, +), t.value(.everDelinquent, group: g)) },
        .init(name: "resolution_rate", meaning: "share of ever-delinquent accounts cured or settled within the horizon", higherIsBetter: true, unit: .share, range: 0...1) { t, g in
            ratio(t.value(.resolved, group: g), t.value(.everDelinquent, group: g)) },
        .init(name: "collector_utilisation", meaning: "call tasks made / call capacity offered (all accounts only)", higherIsBetter: true, unit: .share) { t, g in
            g == 0 ? ratio(t.callsUsed, t.callCapacity) : .nan },
    ]

    /// The metrics a report leads with.
    public static let headline = ["recovery_rate", "overdue_recovery_rate", "net_recovery_rate", "cure_rate", "default_rate", "chargeoff_rate",
                                  "complaints_per_1000", "cost_per_unit_recovered", "satisfaction", "retention", "peak_stress",
                                  "median_days_to_resolution"]

    public static let byName: [String: MetricDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Whether `name` is a metric whose values are shares, shown as percentages; false for a name
    /// that is not a metric (an experiment's own statistic).
    public static func isShare(_ name: String) -> Bool { byName[name]?.unit == .share }

    /// What a value of `name` is multiplied by to be charted: its unit's `displayScale`, 1 for a
    /// name that is not a metric.
    public static func displayScale(_ name: String) -> Double { byName[name]?.unit.displayScale ?? 1 }

    /// `interval` cut to what the metric named `name` can take; as it is for a name that is not
    /// a metric (an experiment's own statistic).
    public static func cut(_ interval: ConfidenceInterval, to name: String) -> ConfidenceInterval {
        byName[name].map { interval.clamped(to: $0.range) } ?? interval
    }

    /// The first day by which half the resolved accounts had resolved (NaN if none resolved).
    static func median(_ histogram: ArraySlice<Double>) -> Double {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return .nan }
        var cumulative = 0.0
        for (i, v) in histogram.enumerated() {
            cumulative += v
            if cumulative >= total / 2 { return Double(i) }
        }
        return Double(histogram.count - 1)
    }
}
