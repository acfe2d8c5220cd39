import Analysis
import Foundation
import Scenario

/// What both reports say: the headline columns, the best value per column, the efficient
/// strategies, and plain sentences generated from the numbers.
public enum ReportContent {
    public struct Column: Sendable {
        public let metric: String
        public let title: String
        public let higherIsBetter: Bool
    }

    public static let columns: [Column] = [
        ("recovery_rate", "Cash recovered / balance"), ("overdue_recovery_rate", "Overdue recovered (催回率)"),
        ("net_recovery_rate", "Net recovery"), ("complaints_per_1000", "Complaints / 1,000"),
        ("default_rate", "Default rate"), ("chargeoff_rate", "Charge-off rate"),
        ("cost_per_unit_recovered", "Cost per unit recovered"), ("satisfaction", "Satisfaction score (0–1)"),
    ].map { Column(metric: $0.0, title: $0.1, higherIsBetter: Metrics.byName[$0.0]?.higherIsBetter ?? true) }

    /// What the headline's less obvious columns measure, printed under every headline table.
    public static let columnNotes = "Cash recovered: every payment within the horizon over the whole balance at entry, "
        + "scheduled installments of current accounts included. Overdue recovered: the share of the balance of accounts "
        + "delinquent at entry whose accounts are current or paid off at the horizon, the recovery rate (催回率) "
        + "collections teams quote. Satisfaction: a score from 0 to 1 that starts at satisfaction.initial and moves with "
        + "how borrowers are treated; it is not a share of satisfied borrowers."

    /// What each curve of curves.csv and the charts measures. The curves divide by all accounts,
    /// where some metrics divide by a subset: the cure curve ends well below `cure_rate`.
    public static let curveGlossary: [(name: String, meaning: String)] = [
        ("default (curve)", "share of all accounts that have reached default (DPD ≥ metrics.default_dpd) by the day, those in default at entry included"),
        ("chargeoff (curve)", "share of all accounts charged off by the day, those charged off at entry included"),
        ("cure (curve)", "share of all accounts (not only the delinquent ones) that have cured at least once by the day; cure_rate divides by the accounts ever delinquent, so it is higher. "
            + Self.cureSteps),
        ("recovery (curve)", "amount collected by the day / amount outstanding at entry (recovery_rate at the horizon)"),
        ("complaints (curve)", "complaints made by the day per 1,000 accounts (complaints_per_1000 at the horizon)"),
    ]

    /// Why the cure curve has steps (days 181–187 and 211–217 of the default run): an account
    /// cures when its arrears are fully paid, which for an account on a plan is its last
    /// installment, so plans agreed in the same days complete together.
    public static let cureSteps = "Its steps are installment plans completing: an account on a plan cures when its last installment clears the arrears, "
        + "so plans agreed in the same days (at entry, or at a repeated offer) cure together, installments × payment.cycle_days later "
        + "(a 6-installment plan agreed on day 1 with 30-day cycles cures on day 181)."

    /// Every metric and curve with its definition and which way is better, for the glossaries
    /// of the reports and the notebook.
    public static var glossary: [(name: String, meaning: String, better: String)] {
        Metrics.all.map { ($0.name, $0.meaning, $0.higherIsBetter ? "higher" : "lower") } + curveGlossary.map { ($0.name, $0.meaning, "") }
    }

    /// The strategy with the best mean on a column.
    public static func best(_ column: Column, _ data: ReportData) -> String? {
        let values = data.strategies.compactMap { s in data.estimate(column.metric, s).map { (s, $0.mean) } }.filter { $0.1.isFinite }
        return (column.higherIsBetter ? values.max { $0.1 < $1.1 } : values.min { $0.1 < $1.1 })?.0
    }

    /// Strategies no other strategy beats on both net recovery (higher) and complaints
    /// (lower): net, because a strategy that recovers more by spending more is no better.
    public static func paretoEfficient(_ data: ReportData) -> [String] {
        StrategyVerdict.paretoEfficient(data.strategies.compactMap { s in
            guard let r = data.estimate("net_recovery_rate", s)?.mean, let c = data.estimate("complaints_per_1000", s)?.mean else { return nil }
            return (s, r, c)
        })
    }

    /// The verdict from the folder's per-replication values (nil when it has none: a folder
    /// written before replications.csv existed).
    public static func verdict(_ data: ReportData) -> StrategyVerdict? {
        let spec = data.verdictSpec
        let objective = data.strategies.reduce(into: [String: [Double]]()) { $0[$1] = data.replicationValues[$1]?[spec.objective] }
        guard objective.count == data.strategies.count, !data.strategies.isEmpty else { return nil }
        let complaints = data.strategies.reduce(into: [String: [Double]]()) { $0[$1] = data.replicationValues[$1]?["complaints_per_1000"] }
        return StrategyVerdict.compute(strategies: data.strategies, objective: spec.objective,
                                       higherIsBetter: Metrics.byName[spec.objective]?.higherIsBetter ?? true,
                                       objective: objective, complaints: complaints, cap: spec.complaintsCap, seed: UInt64(data.seed) ?? 0)
    }

    /// The verdict in sentences: the best strategy on the objective (under the cap), how
    /// probable it is that each is best, and the efficient set on net recovery and complaints.
    public static func verdictSentences(_ data: ReportData) -> [String] {
        guard let v = verdict(data) else {
            return ["No verdict: this folder has no replications.csv (written by CollectSim before the verdict existed); run the scenario again."]
        }
        var out: [String] = []
        let title = columns.first { $0.metric == v.objective }?.title.lowercased() ?? v.objective
        let capText = v.complaintsCap.map { " among strategies with at most \(value($0, "complaints_per_1000")) complaints per 1,000 accounts" } ?? ""
        if let best = v.best, let s = v.standings.first(where: { $0.strategy == best }) {
            out.append("Best on \(title)\(capText): \(best) (\(value(s.mean, v.objective))).")
        } else {
            out.append("No strategy meets the cap of \(value(v.complaintsCap ?? 0, "complaints_per_1000")) complaints per 1,000 accounts.")
        }
        if v.resamples > 0 {
            let ranked = v.standings.sorted { $0.probabilityBest > $1.probabilityBest }
            let shares: [String] = ranked.map { "\($0.strategy) \(percent($0.probabilityBest))" }
            var sentence = "Probability of being best, from the \(counted(data.replications, "paired replication")): " + shares.joined(separator: ", ")
            if v.complaintsCap != nil && v.probabilityNoneMeetsCap > 0 { sentence += "; none meets the cap \(percent(v.probabilityNoneMeetsCap))" }
            out.append(sentence + ".")
        } else {
            out.append("One replication gives no probability of being best (run at least 2).")
        }
        let efficient = paretoEfficient(data)
        if !efficient.isEmpty {
            out.append("Efficient on net recovery against complaints (no strategy has both more net recovery and fewer complaints): \(efficient.joined(separator: ", ")).")
        }
        return out
    }

    /// A probability as a percentage: "<1%" and ">99%" at the ends, where a finite number of
    /// resamples cannot tell 0 or 1 from nearly so.
    static func percent(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        if p < 0.005 { return "<1%" }
        if p > 0.995 { return ">99%" }
        return String(format: "%.0f%%", p * 100)
    }

    /// A value for people, with its unit.
    public static func value(_ v: Double, _ metric: String, scale: Double? = nil) -> String { Format.human(v, metric: metric, scale: scale) }

    static func points(_ v: Double) -> String { String(format: "%.1f", v * 100) }

    /// Sentences comparing each strategy with the baseline, then the efficient set.
    public static func sentences(_ data: ReportData) -> [String] {
        var out: [String] = []
        for s in data.strategies where s != data.baseline {
            guard let r = data.difference("recovery_rate", s) else { continue }
            var sentence: String
            if !r.low.isFinite {
                // One replication: a difference, but nothing to tell it from noise.
                out.append("\(s) recovers \(points(abs(r.diff))) points \(r.diff >= 0 ? "more" : "less") than \(data.baseline) in one replication, "
                           + "which cannot tell a difference from noise (run at least 2).")
                continue
            } else if r.isSignificant {
                sentence = "\(s) recovers \(points(abs(r.diff))) points \(r.diff > 0 ? "more" : "less") than \(data.baseline) (95% CI \(points(r.low)) to \(points(r.high)))"
            } else {
                sentence = "\(s) recovers about as much as \(data.baseline) (difference \(points(r.diff)) points, 95% CI \(points(r.low)) to \(points(r.high)), not significant)"
            }
            if let c = data.difference("complaints_per_1000", s), c.relative.isFinite {
                let share = abs(c.relative) * 100
                let pct = share > 99 && share < 100 ? "over 99" : String(Int(share.rounded()))
                if c.isSignificant {
                    sentence += c.relative < 0 ? " with \(pct)% fewer complaints" : " with \(pct)% more complaints"
                } else {
                    sentence += ", with no significant difference in complaints"
                }
            }
            if let n = data.difference("net_recovery_rate", s), n.isSignificant {
                sentence += "; net of costs and commissions it recovers \(points(abs(n.diff))) points \(n.diff > 0 ? "more" : "less")"
            }
            out.append(sentence + ".")
        }
        let efficient = paretoEfficient(data)
        if !efficient.isEmpty {
            out.append(efficient.count == 1
                       ? "\(efficient[0]) is the only strategy that no other beats on both net recovery and complaints."
                       : "No other strategy beats \(efficient.joined(separator: ", ")) on both net recovery and complaints; choosing among them trades net recovery for complaints.")
        }
        if data.partial { out.append("This run was stopped early: the figures cover \(data.replications) completed replications.") }
        return out
    }

    /// The date shown in reports: SOURCE_DATE_EPOCH when set (reproducible output), else today.
    public static func reportDate() -> String {
        let env = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: env.map { Date(timeIntervalSince1970: $0) } ?? Date())
    }

    /// The command that reproduces the run, run from inside its folder (the resolved scenario
    /// holds the seed and sizes), so the report does not depend on where the folder lives.
    public static let reproduceCommand = "collectsim run scenario.resolved.yaml --out rerun"
}
