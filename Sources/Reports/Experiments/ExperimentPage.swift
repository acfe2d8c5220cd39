import Analysis
import Experiments
import Foundation
import Scenario
import Stochastics
import Storage

/// What every experiment's report shares: the page around its sections, the footer that says
/// how to reproduce it, and the files every experiment folder holds.
extension ExperimentRecord {
    /// "9 evaluations × 2 strategies × 4 replications × 20,000 accounts × 180 days".
    public var sizeText: String {
        ExperimentPage.size(evaluations: evaluations, scenario: scenario)
    }

    public var reproduceCommand: String {
        "collectsim \(kind) scenario.resolved.yaml --out rerun" + (kind == "calibrate" ? " --observed observed.csv" : "")
    }

    /// Writes the files every experiment folder ends with, in this order: `report.html` and
    /// `report.md` around the experiment's own sections (titled "Sweep: <scenario>" and so on),
    /// `analysis.ipynb`, and `summary.json` with the experiment's own `results`, last, since a
    /// folder whose summary is written is one whose outputs are.
    func writeReport(to dir: URL, html body: String, markdown markdownBody: String, notebook: String,
                     results: [String: JSONValue]) throws {
        let title = kind.prefix(1).uppercased() + kind.dropFirst() + ": " + scenario.name
        try AtomicFile.write(html(title: title, body: body), to: dir.appendingPathComponent("report.html"))
        try AtomicFile.write(markdown(title: title, body: markdownBody), to: dir.appendingPathComponent("report.md"))
        try AtomicFile.write(notebook, to: dir.appendingPathComponent("analysis.ipynb"))
        try AtomicFile.write(summaryJSON(results: results), to: dir.appendingPathComponent("summary.json"))
    }

    func html(title: String, body: String) -> String {
        var h = HTMLReport.head(title: "\(scenario.name) — CollectSim \(kind)")
        h += "<h1>\(HTMLReport.escape(title))</h1>"
        h += "<p class=\"sub\">Scenario <b>\(HTMLReport.escape(scenario.name))</b> · \(HTMLReport.escape(sizeText)) · common random numbers across points · 95% confidence intervals</p>\n"
        if partial {
            h += "<p class=\"partial\">Partial \(kind): stopped after \(evaluations) of \(budget) planned evaluations. Finish it with <code>collectsim \(kind) --resume</code> on this folder.</p>\n"
        }
        h += body
        h += "<footer>Scenario <b>\(HTMLReport.escape(scenario.name))</b> · SHA-256 <code>\(hash)</code> · seed \(scenario.seed) · CollectSim \(HTMLReport.escape(RunWriter.version)) · \(ReportContent.reportDate())<br>"
        h += "Reproduce from this folder: <code>\(HTMLReport.escape(reproduceCommand))</code></footer>\n"
        return h + "</body></html>\n"
    }

    func markdown(title: String, body: String) -> String {
        var out = "# \(MarkdownReport.escape(title))\n\n"
        out += "Scenario **\(MarkdownReport.escape(scenario.name))** · \(sizeText) · common random numbers · 95% CIs\n\n"
        if partial { out += "**Partial \(kind):** stopped after \(evaluations) of \(budget) planned evaluations.\n\n" }
        out += body
        out += "\n---\nScenario SHA-256 `\(hash)` · seed \(scenario.seed) · CollectSim \(RunWriter.version) · \(ReportContent.reportDate()) · reproduce: \(MarkdownReport.code(reproduceCommand))\n"
        return out
    }

    /// summary.json: what ran, how far it got, and the experiment's own results.
    func summaryJSON(results: [String: JSONValue]) -> String {
        var summary = FolderSummary(kind: kind, scenario: scenario.name, scenarioSHA256: hash, seed: scenario.seed,
                                    population: spec.population, horizonDays: scenario.horizonDays, version: RunWriter.version,
                                    partial: partial, strategies: spec.strategies)
        summary.evaluations = evaluations
        summary.budget = budget
        summary.replicationsPerEvaluation = spec.replications
        summary.results = results
        return summary.json()
    }
}

/// How experiment pages write sizes and metrics.
public enum ExperimentPage {
    /// "9 evaluations × 2 strategies × 4 replications × 20000 accounts × 180 days".
    public static func size(evaluations: Int, scenario: Scenario) -> String {
        let e = scenario.experiment!
        return [counted(evaluations, "evaluation"), counted(e.strategies.count, "strategy", "strategies"),
                counted(e.replications, "replication"), counted(e.population, "account"),
                counted(scenario.horizonDays, "day")].joined(separator: " × ")
    }

    /// A metric value for people (percentages for rates).
    static func human(_ v: Double, _ metric: String) -> String { Format.human(v, metric: metric) }

    /// A difference of a metric with its CI: percentage points for rates.
    static func difference(_ ci: ConfidenceInterval, _ metric: String) -> String {
        let points = Metrics.isShare(metric)
        func f(_ v: Double) -> String {
            guard v.isFinite else { return "–" }
            return points ? String(format: "%+.2f", v * 100) : String(format: "%+.4g", v)
        }
        return "\(f(ci.mean))\(points ? " points" : "") (95% CI \(f(ci.low)) to \(f(ci.high)))"
    }

    /// A metric with its CI as an HTML table cell's content: the mean, then the bounds small.
    static func htmlCell(_ ci: ConfidenceInterval, _ metric: String) -> String {
        let f = Format.human(ci, metric: metric)
        return "\(HTMLReport.escape(f.mean))<span class=\"ci\">\(HTMLReport.escape(f.low)) – \(HTMLReport.escape(f.high))</span>"
    }

    /// A metric with its CI, for tables.
    static func cell(_ ci: ConfidenceInterval, _ metric: String) -> String {
        let f = Format.human(ci, metric: metric)
        return "\(f.mean) (\(f.low)–\(f.high))"
    }
}

extension SVGChart {
    /// A metric against a factor, one series per strategy: lines with 95% bands when levels are
    /// shared across points (a grid), points with 95% whiskers otherwise.
    static func effect(title: String, xLabel: String, yLabel: String, series: [(String, [(Double, Double, Double, Double)])],
                       connect: Bool, onlyConnect: Set<Int>? = nil, yFormat: @escaping (Double) -> String) -> String {
        let all = series.flatMap(\.1).filter { $0.1.isFinite }
        guard let x0 = all.map(\.0).min(), let x1 = all.map(\.0).max() else { return "" }
        let ys = all.flatMap { [$0.1, $0.2, $0.3] }.filter(\.isFinite)
        let y0 = ys.min()!, y1 = ys.max()!
        let padX = x1 > x0 ? (x1 - x0) * 0.04 : max(abs(x0) * 0.1, 1)
        let padY = y1 > y0 ? (y1 - y0) * 0.08 : max(abs(y0) * 0.1, 1e-3)
        let fr = Frame(x: (x0 - padX)...(x1 + padX), y: (y0 - padY)...(y1 + padY))
        var body = axes(fr, xLabel: xLabel, yLabel: yLabel, yFormat: yFormat)
        for (i, (_, raw)) in series.enumerated() {
            let pts = raw.filter { $0.1.isFinite }.sorted { $0.0 < $1.0 }
            guard !pts.isEmpty else { continue }
            let connect = connect && (onlyConnect?.contains(i) ?? true)
            if connect {
                let band = pts.filter { $0.2.isFinite && $0.3.isFinite }
                if band.count > 1 {
                    let upper = band.map { "\(f(fr.px($0.0))),\(f(fr.py($0.3)))" }
                    let lower = band.reversed().map { "\(f(fr.px($0.0))),\(f(fr.py($0.2)))" }
                    body += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color(i))\" fill-opacity=\"0.18\" stroke=\"none\"/>"
                }
                body += "<polyline points=\"\(pts.map { "\(f(fr.px($0.0))),\(f(fr.py($0.1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color(i))\" stroke-width=\"1.8\"/>"
            }
            for p in pts {
                if !connect && p.2.isFinite && p.3.isFinite {
                    body += "<line x1=\"\(f(fr.px(p.0)))\" x2=\"\(f(fr.px(p.0)))\" y1=\"\(f(fr.py(p.2)))\" y2=\"\(f(fr.py(p.3)))\" stroke=\"\(color(i))\" stroke-opacity=\"0.6\"/>"
                }
                body += "<circle cx=\"\(f(fr.px(p.0)))\" cy=\"\(f(fr.py(p.1)))\" r=\"\(connect ? 3 : 2.5)\" fill=\"\(color(i))\"/>"
            }
        }
        return "<figure><figcaption>\(HTMLReport.escape(title))</figcaption>\(svg(fr, title: title, body: body))\(legend(series.map(\.0)))</figure>"
    }
}

/// One result of an experiment as the registry keeps it.
public struct ExperimentResultRow: Sendable {
    /// What the row is about: a design point, an index of a factor, the optimum, a fitted parameter.
    public let item: String
    public let strategy: String
    public let metric: String
    public let value: Double
    public let low: Double
    public let high: Double
    public let n: Int
    public init(item: String, strategy: String, metric: String, value: Double, low: Double, high: Double, n: Int) {
        self.item = item; self.strategy = strategy; self.metric = metric; self.value = value
        self.low = low; self.high = high; self.n = n
    }
}

/// An experiment's outcome as the command line reports it: its files, its rows for the
/// registry, and what it prints.
public protocol ReportedExperiment: ExperimentOutcome {
    /// Writes the experiment's files into its folder, each atomically.
    func write(to dir: URL) throws
    /// Results for the registry.
    var resultRows: [ExperimentResultRow] { get }
    /// One line for `collectsim runs list`.
    var headline: String { get }
    /// What the command prints when it ends.
    var consoleSummary: String { get }
}
