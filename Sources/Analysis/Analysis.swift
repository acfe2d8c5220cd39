import CollectionsModel
import Engine
import Scenario
import Stochastics

/// One metric of one strategy for one group, with its 95% CI over replications.
public struct MetricEstimate: Sendable {
    public let strategy: String
    public let group: String
    public let metric: String
    /// The 95% CI, cut to the values the metric can take (`MetricDefinition.range`).
    public let interval: ConfidenceInterval
    /// t · s/√n before the cut: the estimate's precision, which precision rules and the
    /// terminal's "±" report (NaN with one replication).
    public let halfWidth: Double
}

/// A strategy's paired difference from the baseline on one metric (same replications, common
/// random numbers), with a 95% CI and a two-sided paired-t p-value.
public struct Comparison: Sendable {
    public let strategy: String
    public let baseline: String
    public let group: String
    public let metric: String
    /// The mean over replications of (strategy − baseline), with its paired 95% CI.
    public let difference: ConfidenceInterval
    /// Two-sided p-value of the paired t test that the difference is zero.
    public let pValue: Double
    /// Mean relative difference (strategy / baseline − 1), per replication, when defined.
    public let relative: ConfidenceInterval

    /// Whether the difference is significant at 5% (its CI excludes zero).
    public var isSignificant: Bool { pValue < 0.05 }
}

/// One point of a curve with its 95% CI band.
public struct CurvePoint: Sendable {
    public let strategy: String
    public let curve: String
    public let day: Int
    public let interval: ConfidenceInterval
}

/// One cell of a month's roll-rate matrix: the share of accounts in bucket `from` at the start
/// of the 30-day month that are in bucket `to` at its end, with its 95% CI over replications.
public struct RollRate: Sendable {
    public let strategy: String
    /// 1-based month.
    public let month: Int
    public let from: String
    public let to: String
    public let interval: ConfidenceInterval
}

/// The analysed results of a run: plain values, ready for any writer.
public struct AnalysisResult: Sendable {
    /// The resolved scenario that ran.
    public let scenario: Scenario
    /// The strategies, in the scenario's order.
    public let strategies: [String]
    /// The strategy every other is compared with.
    public let baseline: String
    /// The groups every metric is computed for: `all`, each segment, `grade_A` … `grade_E`,
    /// `entry_current`, `entry_delinquent`, `entry_defaulted`.
    public let groups: [String]
    /// Every metric of every strategy and group (`Metrics.all`), with its CI.
    public let estimates: [MetricEstimate]
    /// Every strategy's paired difference from the baseline, per group and metric.
    public let comparisons: [Comparison]
    /// The cumulative daily curves (default, charge-off, cure, recovery, complaints) with bands.
    public let curves: [CurvePoint]
    /// The 30-day roll-rate matrices.
    public let rollRates: [RollRate]
    /// Each metric's value in each replication, for all accounts: strategy → metric → values
    /// in replication order (NaN where undefined). Paired across strategies by replication.
    public let replicationValues: [String: [String: [Double]]]
    /// With `output.export_replication_curves`: strategy → curve → replication → the curve's
    /// value on each day (the points `curves` averages); empty otherwise.
    public let replicationCurves: [String: [String: [[Double]]]]
    /// Replications analysed.
    public let replications: Int
    /// Borrower-days simulated, and the seconds they took.
    public let borrowerDays: Double
    public let elapsedSeconds: Double

    /// The estimate of a metric for a strategy (group "all" unless given).
    public func estimate(_ metric: String, strategy: String, group: String = "all") -> ConfidenceInterval? {
        metricEstimate(metric, strategy: strategy, group: group)?.interval
    }

    /// The estimate of a metric for a strategy, with its precision.
    public func metricEstimate(_ metric: String, strategy: String, group: String = "all") -> MetricEstimate? {
        estimates.first { $0.metric == metric && $0.strategy == strategy && $0.group == group }
    }

    /// The paired comparison of a strategy with the baseline on a metric (group "all" unless given).
    public func comparison(_ metric: String, strategy: String, group: String = "all") -> Comparison? {
        comparisons.first { $0.metric == metric && $0.strategy == strategy && $0.group == group }
    }
}

/// Turns a run's tallies into an `AnalysisResult`: metrics with CIs, paired comparisons, curves
/// and roll rates.
public enum Analyzer {
    /// Group names in tally order: all, the segments, grades, then entry stages.
    public static func groupNames(_ scenario: Scenario) -> [String] {
        [ReportGroups.all] + scenario.population.segments.map(\.name) + ReportGroups.grades + ReportGroups.stages
    }

    public static func analyze(_ run: RunResult) -> AnalysisResult {
        GSLRuntime.prepare()
        let scenario = run.scenario
        let names = run.strategyNames
        let groups = groupNames(scenario)
        let baselineIndex = scenario.baselineIndex
        var estimates: [MetricEstimate] = []
        var comparisons: [Comparison] = []
        var replicationValues: [String: [String: [Double]]] = [:]
        // values[strategy][metric][replication] for the "all" group, for comparisons.
        for (s, name) in names.enumerated() {
            for (g, group) in groups.enumerated() {
                for metric in Metrics.all {
                    var m = Moments()
                    var values: [Double] = []
                    for tally in run.tallies[s] {
                        let v = metric.value(tally, group: g)
                        if v.isFinite { m.add(v) }
                        if g == 0 { values.append(v) }
                    }
                    if g == 0 { replicationValues[name, default: [:]][metric.name] = values }
                    if m.count == 0 && g != 0 { continue }
                    let interval = ConfidenceInterval(m)
                    estimates.append(MetricEstimate(strategy: name, group: group, metric: metric.name,
                                                    interval: interval.clamped(to: metric.range), halfWidth: interval.halfWidth))
                }
            }
        }
        for s in names.indices where s != baselineIndex {
            for g in groups.indices {
                for metric in Metrics.all {
                    let c = compare(run, metric: metric, strategy: s, against: baselineIndex, group: g)
                    if c.difference.n == 0 && g != 0 { continue }
                    comparisons.append(c)
                }
            }
        }
        return AnalysisResult(scenario: scenario, strategies: names, baseline: names[baselineIndex], groups: groups,
                              estimates: estimates, comparisons: comparisons, curves: curves(run), rollRates: rollRates(run),
                              replicationValues: replicationValues,
                              replicationCurves: scenario.output.exportReplicationCurves ? replicationCurves(run) : [:],
                              replications: run.replicationsCompleted, borrowerDays: run.borrowerDays,
                              elapsedSeconds: run.elapsedSeconds)
    }

    /// The paired difference of one strategy from another on a metric in a group, replication
    /// by replication (common random numbers), with its 95% CI, p-value and relative lift.
    public static func compare(_ run: RunResult, metric: MetricDefinition, strategy s: Int, against b: Int, group g: Int = 0) -> Comparison {
        var diff = Moments()
        var rel = Moments()
        for r in 0..<min(run.tallies[s].count, run.tallies[b].count) {
            let x = metric.value(run.tallies[s][r], group: g), y = metric.value(run.tallies[b][r], group: g)
            guard x.isFinite && y.isFinite else { continue }
            diff.add(x - y)
            if y != 0 { rel.add(x / y - 1) }
        }
        let groups = groupNames(run.scenario)
        return Comparison(strategy: run.strategyNames[s], baseline: run.strategyNames[b], group: groups[g], metric: metric.name,
                          difference: ConfidenceInterval(diff), pValue: pairedPValue(diff), relative: ConfidenceInterval(rel))
    }

    /// The same by names; nil when a name is unknown.
    public static func compare(_ run: RunResult, metric: String, strategy: String, against: String, group: String = "all") -> Comparison? {
        guard let m = Metrics.all.first(where: { $0.name == metric }),
              let s = run.strategyNames.firstIndex(of: strategy), let b = run.strategyNames.firstIndex(of: against),
              let g = groupNames(run.scenario).firstIndex(of: group) else { return nil }
        return compare(run, metric: m, strategy: s, against: b, group: g)
    }

    /// Two-sided paired-t p-value of the mean difference being zero. Identical replications
    /// (zero spread) give 1 when the difference is exactly zero and 0 otherwise.
    public static func pairedPValue(_ d: Moments) -> Double {
        guard d.count > 1 else { return .nan }
        if d.m2 == 0 { return d.mean == 0 ? 1 : 0 }
        return StudentT.twoSidedPValue(d.mean / d.standardError, degreesOfFreedom: Double(d.count - 1))
    }

    /// Roll-rate matrices per strategy and month; rows with no account at the month's start are left out.
    public static func rollRates(_ run: RunResult) -> [RollRate] {
        var out: [RollRate] = []
        let buckets = Tally.rollBuckets
        for (s, name) in run.strategyNames.enumerated() {
            for month in 0..<Tally.rollMonths(horizonDays: run.scenario.horizonDays) {
                for from in buckets.indices {
                    var rates = [Moments](repeating: Moments(), count: buckets.count)
                    for tally in run.tallies[s] {
                        let row = (0..<buckets.count).reduce(0) { $0 + tally.roll(month: month, from: from, to: $1) }
                        guard row > 0 else { continue }
                        for to in buckets.indices { rates[to].add(tally.roll(month: month, from: from, to: to) / row) }
                    }
                    guard rates[0].count > 0 else { continue }
                    for to in buckets.indices {
                        out.append(RollRate(strategy: name, month: month + 1, from: buckets[from], to: buckets[to], interval: ConfidenceInterval(rates[to]).clamped(to: 0...1)))
                    }
                }
            }
        }
        return out
    }

    /// How one replication's daily curve becomes the cumulative curve of `curves.csv`: the scale
    /// (per account, per unit outstanding, per 1,000 accounts) and the stock at entry.
    static func curveBasis(_ tally: Tally, _ kind: CurveKind) -> (scale: Double, initial: Double) {
        let accounts = tally.value(.accounts)
        switch kind {
        case .defaults: return (1 / accounts, tally.initialDefaults)
        case .chargeoffs: return (1 / accounts, tally.initialChargeoffs)
        case .cures: return (1 / accounts, 0)
        case .collected: return (1 / tally.value(.outstanding), 0)
        case .complaints: return (1000 / accounts, 0)
        }
    }

    /// Each replication's curves, day by day, as `curves` averages them.
    static func replicationCurves(_ run: RunResult) -> [String: [String: [[Double]]]] {
        var out: [String: [String: [[Double]]]] = [:]
        for (s, name) in run.strategyNames.enumerated() {
            for kind in CurveKind.allCases {
                out[name, default: [:]][kind.name] = run.tallies[s].map { tally in
                    let (scale, initial) = curveBasis(tally, kind)
                    var cumulative = initial
                    return tally.curve(kind).map { v in cumulative += v; return cumulative * scale }
                }
            }
        }
        return out
    }

    /// Cumulative curves per strategy: default, charge-off and cure as shares of accounts,
    /// recovery as a share of the amount outstanding at entry, complaints per 1,000 accounts.
    static func curves(_ run: RunResult) -> [CurvePoint] {
        var points: [CurvePoint] = []
        let horizon = run.scenario.horizonDays
        for (s, name) in run.strategyNames.enumerated() {
            for kind in CurveKind.allCases {
                var perDay = [Moments](repeating: Moments(), count: horizon)
                for tally in run.tallies[s] {
                    let (scale, initial) = curveBasis(tally, kind)
                    var cumulative = initial
                    for (d, v) in tally.curve(kind).enumerated() {
                        cumulative += v
                        perDay[d].add(cumulative * scale)
                    }
                }
                for d in 0..<horizon {
                    points.append(CurvePoint(strategy: name, curve: kind.name, day: d + 1, interval: ConfidenceInterval(perDay[d]).clamped(to: 0...Double.infinity)))
                }
            }
        }
        return points
    }
}
