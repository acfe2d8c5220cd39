import Analysis
import Experiments
import Foundation
import Scenario
import Stochastics
import Storage

/// The optimisation's files: `optimize.csv` (every evaluation), `frontier.csv`, `optimized.yaml`
/// (the scenario with the best parameters written out, ready to run), a report and
/// `summary.json`.
extension OptimizeExperiment.Outcome: ReportedExperiment {
    public var resultRows: [ExperimentResultRow] {
        guard let best else { return [] }
        var rows: [ExperimentResultRow] = []
        let e = confirmation?.best ?? candidates[best].evaluation
        for m in OptimizeExperiment.reportedMetrics(self) {
            let ci = e.estimate(m, strategy: problem.strategy)
            rows.append(ExperimentResultRow(item: "optimum", strategy: problem.strategy, metric: m, value: ci.mean, low: ci.low, high: ci.high, n: ci.n))
        }
        for (f, v) in zip(problem.factors, candidates[best].evaluation.values) {
            rows.append(ExperimentResultRow(item: "optimum parameter", strategy: problem.strategy, metric: f.path.text, value: v, low: v, high: v, n: 0))
        }
        return rows
    }

    public var headline: String {
        guard let best else { return "no candidate evaluated" }
        let e = confirmation?.best ?? candidates[best].evaluation
        return "\(problem.strategy): \(problem.objective) \(ExperimentPage.human(e.mean(problem.objective, strategy: problem.strategy), problem.objective)) at "
            + OptimizeExperiment.valuesText(problem, candidates[best].evaluation.values)
    }

    public var consoleSummary: String {
        guard let best else { return "  No candidate was evaluated.\n" }
        var out = "  Best \(problem.strategy) parameters (\(problem.maximize ? "maximising" : "minimising") \(problem.objective)):\n"
        for (f, (v, s)) in zip(problem.factors, zip(candidates[best].evaluation.values, start)) {
            out += "    \(f.path.text) = \(ScenarioEditor.format(v))  (was \(ScenarioEditor.format(s)))\n"
        }
        if let c = confirmation {
            out += "  Confirmed on \(record.spec.replications) fresh replications (95% CI):\n"
            for m in OptimizeExperiment.reportedMetrics(self) {
                out += "    \(m.padding(toLength: 26, withPad: " ", startingAt: 0)) \(ExperimentPage.cell(c.best.estimate(m, strategy: problem.strategy), m))  start \(ExperimentPage.cell(c.start.estimate(m, strategy: problem.strategy), m))\n"
            }
            let d = OptimizeExperiment.improvement(self)
            out += "  Improvement in \(problem.objective): \(ExperimentPage.difference(d, problem.objective)), paired on the same replications\n"
        }
        out += "  \(OptimizeExperiment.verdictText(self))\n"
        if !frontier.isEmpty, let f = frontierMetric { out += "  Pareto frontier of \(problem.objective) against \(f): \(frontier.count) points (frontier.csv)\n" }
        out += "  Optimized scenario: optimized.yaml (\(OptimizeExperiment.keepsBoth(problem) ? "\(problem.strategy) as it was and the tuned copy \(OptimizeExperiment.tunedName(self))" : "the tuned parameters in place"))\n"
        return out
    }

    public func write(to dir: URL) throws { try OptimizeExperiment.write(self, to: dir) }
}

extension OptimizeExperiment.Candidate.Search {
    /// "search", or "frontier: complaints_per_1000 ≤ 12.5" (optimize.csv's `search` column).
    public var label: String {
        switch self {
        case .main: return "search"
        case let .frontier(metric, atMost, cap): return "frontier: \(metric) \(atMost ? "≤" : "≥") \(ExperimentPage.human(cap, metric))"
        }
    }
}

extension OptimizeExperiment {
    /// The verdict as a sentence for the summary, the reports and optimized.yaml.
    static func verdictText(_ o: Outcome) -> String {
        let p = o.problem
        switch verdict(o) {
        case .better:
            return "The tuned parameters improve \(p.objective) significantly on fresh replications (the 95% CI of the paired gain excludes zero)."
        case .notSignificant:
            return "Not significant: on fresh replications the 95% CI of the gain in \(p.objective) includes zero, so there is no evidence the tuned parameters beat the start. Keep \(p.strategy) as it is, or search again with more replications."
        case .worse:
            return "On fresh replications the tuned parameters do significantly worse on \(p.objective) than the start: the search's best was luck of its replications. Keep \(p.strategy) as it is."
        case .unconfirmed:
            return "Not confirmed on fresh replications (the search was stopped first): the best candidate's figures are flattered by the replications that chose it."
        }
    }

    static func reportedMetrics(_ o: Outcome) -> [String] {
        var out = [o.problem.objective] + o.problem.constraints.map(\.metric) + (o.frontierMetric.map { [$0] } ?? []) + o.record.spec.metrics
        var seen = Set<String>()
        out = out.filter { seen.insert($0).inserted }
        return out
    }

    static func valuesText(_ problem: OptimizationProblem, _ values: [Double]) -> String {
        zip(problem.factors, values).map { "\($0.path.text) = \(ScenarioEditor.format($1))" }.joined(separator: ", ")
    }

    // MARK: Files

    static func write(_ o: Outcome, to dir: URL) throws {
        let scenario = o.record.scenario
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        try AtomicFile.write(candidatesCSV(o), to: dir.appendingPathComponent("optimize.csv"))
        if o.frontierMetric != nil { try AtomicFile.write(frontierCSV(o), to: dir.appendingPathComponent("frontier.csv")) }
        if let best = o.best {
            try AtomicFile.write(try optimizedScenario(o, values: o.candidates[best].evaluation.values), to: dir.appendingPathComponent("optimized.yaml"))
        }
        var results: [String: JSONValue] = ["strategy": .string(o.problem.strategy), "objective": .string(o.problem.objective),
                                            "maximize": .bool(o.problem.maximize), "method": .string(o.spec.method.rawValue)]
        if let best = o.best {
            results["best"] = .object(Dictionary(zip(o.problem.factors, o.candidates[best].evaluation.values).map {
                ($0.path.text, JSONValue.number($1))
            }) { first, _ in first })
            let e = o.confirmation?.best ?? o.candidates[best].evaluation
            let ci = e.estimate(o.problem.objective, strategy: o.problem.strategy)
            results["best_objective"] = .interval(mean: ci.mean, low: ci.low, high: ci.high, ["confirmed": .bool(o.confirmation != nil)])
            results["feasible"] = .bool(o.problem.violation(o.candidates[best].evaluation) == 0)
            let d = improvement(o)
            results["improvement"] = .interval(mean: d.mean, low: d.low, high: d.high, ["verdict": .string(verdict(o).rawValue)])
            if keepsBoth(o.problem) { results["tuned_strategy"] = .string(tunedName(o)) }
        }
        try o.record.writeReport(to: dir, html: html(o), markdown: markdown(o), notebook: ExperimentNotebook.optimize(o), results: results)
    }

    /// Whether every factor is a field of the optimised strategy, so the tuned strategy can sit
    /// beside the original in one scenario (a model or population factor changes every strategy).
    static func keepsBoth(_ p: OptimizationProblem) -> Bool {
        p.factors.allSatisfy { $0.path.text.hasPrefix("strategies.\(p.strategy).") }
    }

    /// The tuned copy's name: `<strategy>_tuned`, numbered if the scenario has that name.
    static func tunedName(_ o: Outcome) -> String {
        let taken = Set(o.record.scenario.strategies.map(\.name))
        var name = "\(o.problem.strategy)_tuned", n = 2
        while taken.contains(name) { name = "\(o.problem.strategy)_tuned_\(n)"; n += 1 }
        return name
    }

    /// The base scenario, ready to run, with the best parameters: when every factor belongs to
    /// the strategy, its tuned copy (`<strategy>_tuned`) sits beside it, so that a run compares
    /// the two on the same replications; otherwise the parameters are written in place. The
    /// header says whether the gain was significant on fresh replications.
    static func optimizedScenario(_ o: Outcome, values: [Double]) throws -> String {
        let base = o.record.scenario
        let tunedAll = try ScenarioEditor(base).scenario(setting: zip(o.problem.factors.map(\.path), values).map { ($0, $1) })
        let how = "\(o.problem.maximize ? "max" : "min") \(o.problem.objective) of \(o.problem.strategy): " + valuesText(o.problem, values)
        var s: Scenario
        if keepsBoth(o.problem), let i = base.strategies.firstIndex(where: { $0.name == o.problem.strategy }),
           var tuned = tunedAll.strategies.first(where: { $0.name == o.problem.strategy }) {
            s = base
            tuned.name = tunedName(o)
            tuned.description = "\(o.problem.strategy) tuned by collectsim optimize (\(how))."
            s.strategies.insert(tuned, at: i + 1)
            s.description = [base.description, "With \(tuned.name), \(o.problem.strategy) tuned by collectsim optimize."].filter { !$0.isEmpty }.joined(separator: " ")
        } else {
            s = tunedAll
            s.description = [base.description, "Optimized by collectsim optimize (\(how))."].filter { !$0.isEmpty }.joined(separator: " ")
        }
        s.experiment = nil
        s.name = base.name + "-optimized"
        let header = "# Written by collectsim optimize. Run it with `collectsim run optimized.yaml`.\n"
            + verdictText(o).split(separator: " ").reduce(into: [""]) { lines, word in
                if lines[lines.count - 1].count + word.count > 92 { lines.append("") }
                lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + word
            }.map { "# \($0)\n" }.joined()
        return header + ScenarioWriter.yaml(s).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
    }

    public static func candidatesCSV(_ o: Outcome) -> String {
        let metrics = reportedMetrics(o)
        var out = "evaluation,search," + o.problem.factors.map { CSVRecords.field($0.path.text) }.joined(separator: ",")
        out += "," + metrics.flatMap { [$0, "\($0)_ci_low", "\($0)_ci_high"] }.joined(separator: ",") + ",feasible,on_frontier,best\n"
        let front = Set(o.frontier)
        for c in o.candidates {
            out += "\(c.index),\(CSVRecords.field(c.search.label)),\(c.evaluation.values.map(ScenarioEditor.format).joined(separator: ","))"
            for m in metrics {
                let ci = c.evaluation.estimate(m, strategy: o.problem.strategy)
                out += ",\(CSVRecords.number(ci.mean)),\(CSVRecords.number(ci.low)),\(CSVRecords.number(ci.high))"
            }
            out += ",\(o.problem.violation(c.evaluation) == 0),\(front.contains(c.index)),\(o.best == c.index)\n"
        }
        return out
    }

    public static func frontierCSV(_ o: Outcome) -> String {
        guard let against = o.frontierMetric else { return "" }
        var out = "evaluation," + o.problem.factors.map { CSVRecords.field($0.path.text) }.joined(separator: ",")
        out += ",\(against),\(against)_ci_low,\(against)_ci_high,\(o.problem.objective),\(o.problem.objective)_ci_low,\(o.problem.objective)_ci_high\n"
        for i in o.frontier {
            let e = o.candidates[i].evaluation
            let x = e.estimate(against, strategy: o.problem.strategy), y = e.estimate(o.problem.objective, strategy: o.problem.strategy)
            out += "\(i),\(e.values.map(ScenarioEditor.format).joined(separator: ",")),\(CSVRecords.number(x.mean)),\(CSVRecords.number(x.low)),\(CSVRecords.number(x.high)),\(CSVRecords.number(y.mean)),\(CSVRecords.number(y.low)),\(CSVRecords.number(y.high))\n"
        }
        return out
    }

    static func html(_ o: Outcome) -> String {
        let p = o.problem
        var h = "<h2>Search</h2><p>\(o.spec.method == .nelderMead ? "Nelder–Mead simplex (GSL nmsimplex2)" : "Cross-entropy search") on <b>\(HTMLReport.escape(p.strategy))</b>, \(p.maximize ? "maximising" : "minimising") <b>\(HTMLReport.escape(p.objective))</b>"
        if !p.constraints.isEmpty {
            h += " subject to " + p.constraints.map { c in
                [c.max.map { "\(c.metric) ≤ \(ExperimentPage.human($0, c.metric))" }, c.min.map { "\(c.metric) ≥ \(ExperimentPage.human($0, c.metric))" }]
                    .compactMap { $0 }.joined(separator: ", ")
            }.map(HTMLReport.escape).joined(separator: ", ")
        }
        h += ". Every candidate runs the same \(counted(o.record.spec.replications, "replication")) (common random numbers); constraints are judged on the mean. \(o.candidates.count) candidates evaluated.</p>"
        guard let best = o.best else { return h + "<p>No candidate has been evaluated yet.</p>\n" }
        h += "<h2>Best parameters</h2><table><thead><tr><th>Parameter</th><th>Start</th><th>Best</th><th>Range</th></tr></thead><tbody>"
        for (i, f) in p.factors.enumerated() {
            h += "<tr><td><code>\(HTMLReport.escape(f.path.text))</code></td><td>\(ScenarioEditor.format(o.start[i]))</td><td><b>\(ScenarioEditor.format(o.candidates[best].evaluation.values[i]))</b></td><td>\(ScenarioEditor.format(f.range!.lowerBound)) – \(ScenarioEditor.format(f.range!.upperBound))</td></tr>"
        }
        h += "</tbody></table>"
        if p.violation(o.candidates[best].evaluation) > 0 {
            h += "<p class=\"partial\">No candidate met every constraint; this is the one that missed them least.</p>"
        }
        if let c = o.confirmation {
            h += "<h2>Confirmed on fresh replications</h2><p class=\"ns\">The best candidate was chosen on the search's replications, which flatters it; these figures come from \(o.record.spec.replications) other replications, the start re-run on the same ones.</p>"
            h += "<table><thead><tr><th>Metric</th><th>Start</th><th>Best</th></tr></thead><tbody>"
            for m in reportedMetrics(o) {
                let a = c.start.estimate(m, strategy: p.strategy), b = c.best.estimate(m, strategy: p.strategy)
                h += "<tr><td>\(HTMLReport.escape(m))</td><td>\(ExperimentPage.htmlCell(a, m))</td><td>\(ExperimentPage.htmlCell(b, m))</td></tr>"
            }
            let d = improvement(o)
            h += "</tbody></table><p>Improvement in \(HTMLReport.escape(p.objective)), paired: <b>\(HTMLReport.escape(ExperimentPage.difference(d, p.objective)))</b>.</p>"
        }
        h += "<p\(verdict(o) == .better ? "" : " class=\"partial\"")><b>\(HTMLReport.escape(verdictText(o)))</b></p>"
        let scale = Metrics.displayScale(p.objective)
        var bestSoFar = Double.nan
        let progress = o.candidates.map { c -> (Double, Double, Double, Double) in
            let v = c.evaluation.mean(p.objective, strategy: p.strategy)
            if p.violation(c.evaluation) == 0, v.isFinite, bestSoFar.isNaN || p.better(v, than: bestSoFar) { bestSoFar = v }
            return (Double(c.index), bestSoFar * scale, .nan, .nan)
        }
        let raw = o.candidates.map { c -> (Double, Double, Double, Double) in
            let ci = c.evaluation.estimate(p.objective, strategy: p.strategy)
            return (Double(c.index), ci.mean * scale, ci.low * scale, ci.high * scale)
        }
        h += "<h2>Progress</h2><div class=\"grid\">"
        h += SVGChart.effect(title: "\(p.objective) of each candidate, and the best feasible so far", xLabel: "evaluation",
                             yLabel: scale == 100 ? "\(p.objective) (%)" : p.objective, series: [("candidate", raw), ("best feasible so far", progress)],
                             connect: false, yFormat: { String(format: "%g", $0) })
        if let against = o.frontierMetric, !o.frontier.isEmpty {
            let xs = Metrics.displayScale(against)
            let all = o.candidates.map { c -> (Double, Double, Double, Double) in
                (c.evaluation.mean(against, strategy: p.strategy) * xs, c.evaluation.mean(p.objective, strategy: p.strategy) * scale, .nan, .nan)
            }
            let front = o.frontier.map { i -> (Double, Double, Double, Double) in
                let e = o.candidates[i].evaluation, ci = e.estimate(p.objective, strategy: p.strategy)
                return (e.mean(against, strategy: p.strategy) * xs, ci.mean * scale, ci.low * scale, ci.high * scale)
            }
            h += SVGChart.effect(title: "Pareto frontier: \(p.objective) against \(against)", xLabel: against,
                                 yLabel: scale == 100 ? "\(p.objective) (%)" : p.objective, series: [("all candidates", all), ("frontier (95% CI)", front)],
                                 connect: true, onlyConnect: [1], yFormat: { String(format: "%g", $0) })
        }
        h += "</div><p class=\"ns\">Every candidate: <code>optimize.csv</code>\(o.frontierMetric != nil ? "; the frontier: <code>frontier.csv</code>" : ""); the scenario with the best parameters: <code>optimized.yaml</code>.</p>\n"
        return h
    }

    static func markdown(_ o: Outcome) -> String {
        let p = o.problem
        var out = "\(p.maximize ? "Maximising" : "Minimising") **\(MarkdownReport.escape(p.objective))** of **\(MarkdownReport.escape(p.strategy))**; \(o.candidates.count) candidates.\n\n"
        guard let best = o.best else { return out + "No candidate has been evaluated yet.\n" }
        out += "| Parameter | Start | Best |\n|---|---:|---:|\n"
        for (i, f) in p.factors.enumerated() {
            out += "| \(MarkdownReport.code(f.path.text, inTable: true)) | \(ScenarioEditor.format(o.start[i])) | \(ScenarioEditor.format(o.candidates[best].evaluation.values[i])) |\n"
        }
        if let c = o.confirmation {
            out += "\nOn fresh replications:\n\n| Metric | Start | Best |\n|---|---:|---:|\n"
            for m in reportedMetrics(o) {
                out += "| \(MarkdownReport.escape(m)) | \(ExperimentPage.cell(c.start.estimate(m, strategy: p.strategy), m)) | \(ExperimentPage.cell(c.best.estimate(m, strategy: p.strategy), m)) |\n"
            }
            out += "\nPaired improvement in \(MarkdownReport.escape(p.objective)): \(ExperimentPage.difference(improvement(o), p.objective)).\n"
        }
        out += "\n**\(MarkdownReport.escape(verdictText(o)))**\n"
        return out
    }
}
