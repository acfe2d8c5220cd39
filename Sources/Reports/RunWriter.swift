import Analysis
import CollectionsModel
import Engine
import Foundation
import Storage
import Scenario

/// Identity of a run, recorded in `summary.json`.
public struct RunIdentity: Sendable {
    /// CollectSim's version (`RunWriter.version`).
    public let version: String
    /// The command that made the run, as the report's "reproduce" line shows it.
    public let commandLine: String
    /// Worker threads (which never change the results).
    public let threads: Int
    public init(version: String, commandLine: String, threads: Int) {
        self.version = version
        self.commandLine = commandLine
        self.threads = threads
    }
}

/// Writes a run folder: summary.json, metrics.csv, curves.csv, comparison.csv and
/// scenario.resolved.yaml, each atomically. Content depends only on the scenario, seed and
/// results, never on time or thread count, so the same run writes the same bytes.
public enum RunWriter {
    /// CollectSim's version, recorded in every summary.json.
    public static let version = "0.1.0"

    /// Writes every output file; `partial` marks a run stopped before all its replications.
    /// Returns the report data the files were built from, for the run registry.
    @discardableResult
    public static func write(_ result: AnalysisResult, to dir: URL, identity: RunIdentity, partial: Bool = false) throws -> ReportData {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try AtomicFile.write(ScenarioWriter.yaml(result.scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        let metrics = metricsCSV(result), curves = curvesCSV(result), comparison = comparisonCSV(result)
        let summary = summaryJSON(result, identity: identity, partial: partial)
        try AtomicFile.write(metrics, to: dir.appendingPathComponent("metrics.csv"))
        try AtomicFile.write(curves, to: dir.appendingPathComponent("curves.csv"))
        try AtomicFile.write(comparison, to: dir.appendingPathComponent("comparison.csv"))
        let replications = replicationsCSV(result), rollRates = rollRatesCSV(result)
        try AtomicFile.write(rollRates, to: dir.appendingPathComponent("rollrates.csv"))
        try AtomicFile.write(replications, to: dir.appendingPathComponent(replicationsFile))
        if result.scenario.output.exportReplicationCurves {
            try AtomicFile.write(replicationCurvesCSV(result), to: dir.appendingPathComponent(replicationCurvesFile))
        }
        // The reports are built from the files' own text, as `collectsim report` rebuilds them.
        let data = try ReportData(summary: summary, metrics: metrics, comparison: comparison, curves: curves, scenario: result.scenario,
                                  replications: replications, rollRates: rollRates)
        try writeReports(data, to: dir)
        try AtomicFile.write(summary, to: dir.appendingPathComponent("summary.json"))
        return data
    }

    /// Writes report.html, report.md and analysis.ipynb for a run's data.
    public static func writeReports(_ data: ReportData, to dir: URL) throws {
        try AtomicFile.write(HTMLReport.render(data), to: dir.appendingPathComponent("report.html"))
        try AtomicFile.write(MarkdownReport.render(data), to: dir.appendingPathComponent("report.md"))
        try AtomicFile.write(Notebook.render(data), to: dir.appendingPathComponent("analysis.ipynb"))
    }

    /// Tidy per-replication values: one row per strategy, replication (1-based) and metric, for
    /// all accounts, as Mesa's DataCollector or EMA Workbench's outcomes give them.
    public static let replicationsFile = "replications.csv"

    public static func replicationsCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,replication,metric,value\n"
        for s in r.strategies {
            for metric in Metrics.all {
                for (i, v) in (r.replicationValues[s]?[metric.name] ?? []).enumerated() {
                    out += "\(CSVRecords.field(s)),\(i + 1),\(metric.name),\(CSVRecords.number(v))\n"
                }
            }
        }
        return out
    }

    /// With `--export-replication-curves`: every curve's value on every day of every replication.
    public static let replicationCurvesFile = "replication_curves.csv"

    public static func replicationCurvesCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,replication,curve,day,value\n"
        for s in r.strategies {
            for kind in CurveKind.allCases {
                for (i, days) in (r.replicationCurves[s]?[kind.name] ?? []).enumerated() {
                    for (d, v) in days.enumerated() { out += "\(CSVRecords.field(s)),\(i + 1),\(kind.name),\(d + 1),\(CSVRecords.number(v))\n" }
                }
            }
        }
        return out
    }

    public static func metricsCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,segment,metric,mean,ci_low,ci_high,n\n"
        for e in r.estimates {
            out += "\(CSVRecords.field(e.strategy)),\(CSVRecords.field(e.group)),\(e.metric),\(CSVRecords.number(e.interval.mean)),\(CSVRecords.number(e.interval.low)),\(CSVRecords.number(e.interval.high)),\(e.interval.n)\n"
        }
        return out
    }

    public static func curvesCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,curve,day,mean,ci_low,ci_high\n"
        for p in r.curves {
            out += "\(CSVRecords.field(p.strategy)),\(p.curve),\(p.day),\(CSVRecords.number(p.interval.mean)),\(CSVRecords.number(p.interval.low)),\(CSVRecords.number(p.interval.high))\n"
        }
        return out
    }

    /// Roll-rate matrices: per strategy and 30-day month, the share of each bucket's accounts
    /// in each bucket a month later.
    public static func rollRatesCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,month,from,to,mean,ci_low,ci_high,n\n"
        for x in r.rollRates {
            out += "\(CSVRecords.field(x.strategy)),\(x.month),\(x.from),\(x.to),\(CSVRecords.number(x.interval.mean)),\(CSVRecords.number(x.interval.low)),\(CSVRecords.number(x.interval.high)),\(x.interval.n)\n"
        }
        return out
    }

    public static func comparisonCSV(_ r: AnalysisResult) -> String {
        var out = "strategy,baseline,group,metric,diff,ci_low,ci_high,p_value,relative,relative_ci_low,relative_ci_high\n"
        for c in r.comparisons {
            out += "\(CSVRecords.field(c.strategy)),\(CSVRecords.field(c.baseline)),\(CSVRecords.field(c.group)),\(c.metric),\(CSVRecords.number(c.difference.mean)),\(CSVRecords.number(c.difference.low)),\(CSVRecords.number(c.difference.high)),\(CSVRecords.number(c.pValue))"
            out += ",\(CSVRecords.number(c.relative.mean)),\(CSVRecords.number(c.relative.low)),\(CSVRecords.number(c.relative.high))\n"
        }
        return out
    }

    /// summary.json of a run: what ran and the headline metrics of every strategy with their CIs.
    public static func summaryJSON(_ r: AnalysisResult, identity: RunIdentity, partial: Bool = false) -> String {
        let s = r.scenario
        var summary = FolderSummary(scenario: s.name, scenarioSHA256: ScenarioHash.model(s), seed: s.seed, population: s.population.size,
                                    horizonDays: s.horizonDays, version: identity.version, partial: partial, strategies: r.strategies)
        summary.replications = r.replications
        if let book = s.population.book {
            summary.portfolio = book.path
            summary.portfolioAccounts = book.sample?.fileAccounts
            summary.sampleStrata = book.sample?.strata
        }
        summary.baseline = r.baseline
        summary.headline = Dictionary(uniqueKeysWithValues: r.strategies.map { name in
            (name, Dictionary(uniqueKeysWithValues: Metrics.headline.map { m in
                let ci = r.estimate(m, strategy: name) ?? .init(mean: .nan, low: .nan, high: .nan, n: 0)
                return (m, FolderSummary.Estimate(mean: ci.mean, ciLow: ci.low, ciHigh: ci.high, n: ci.n))
            }))
        })
        return summary.json()
    }

    /// A plain-text comparison table for the terminal. The row under the headers says which
    /// way each metric is better; with `colour` (a terminal that shows it), a significant
    /// difference from the baseline is green when it is an improvement and red when it is not.
    public static func table(_ r: AnalysisResult, colour: Bool = false) -> String {
        let metrics = ["recovery_rate", "overdue_recovery_rate", "net_recovery_rate", "default_rate", "complaints_per_1000", "satisfaction"]
        let headers = ["strategy"] + metrics
        let directions = [""] + metrics.map { Metrics.byName[$0]?.higherIsBetter == false ? "↓ lower is better" : "↑ higher is better" }
        // Cells with the colour of their difference mark (nil: plain).
        var rows: [[(text: String, better: Bool?)]] = []
        for name in r.strategies {
            var row: [(text: String, better: Bool?)] = [(name + (name == r.baseline ? " (baseline)" : ""), nil)]
            for m in metrics {
                let e = r.metricEstimate(m, strategy: name)
                var cell = e.map { $0.halfWidth.isFinite ? "\(Format.human($0.interval.mean, metric: m)) ±\(Format.human($0.halfWidth, metric: m, scale: $0.interval.mean))"
                                                         : Format.human($0.interval.mean, metric: m) } ?? "–"
                var better: Bool?
                if let c = r.comparison(m, strategy: name), c.isSignificant {
                    cell += c.difference.mean > 0 ? " ▲" : " ▼"
                    better = (c.difference.mean > 0) == (Metrics.byName[m]?.higherIsBetter ?? true)
                }
                row.append((cell, better))
            }
            rows.append(row)
        }
        var widths = zip(headers, directions).map { max($0.count, $1.count) }
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.text.count) } }
        func line(_ cells: [(text: String, better: Bool?)]) -> String {
            cells.enumerated().map { i, c in
                let padded = c.text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                guard colour, let better = c.better else { return padded }
                return (better ? "\u{1B}[32m" : "\u{1B}[31m") + padded + "\u{1B}[0m"
            }.joined(separator: "  ")
        }
        func plain(_ cells: [String]) -> String { line(cells.map { ($0, nil) }) }
        var out = plain(headers) + "\n" + plain(directions) + "\n" + plain(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        out += r.replications < 2
            ? "No confidence intervals: one replication shows no spread (run at least 2).\n"
            : "± is the 95% CI half-width over \(counted(r.replications, "replication")); ▲/▼ marks a significant paired difference from \(r.baseline) (p < 0.05)"
                + (colour ? ", green where it is an improvement, red where it is not.\n" : ".\n")
        out += "recovery_rate: cash over the whole balance at entry, scheduled installments included; overdue_recovery_rate: "
            + "share of the overdue balance at entry now current or paid off (催回率); satisfaction: a 0–1 score, not a share of borrowers.\n"
        return out
    }
}
