import Analysis
import Experiments
import Foundation
import Scenario
import Storage

/// The sweep's files: `sweep.csv` (one row per point × strategy × metric, with CIs) and a report
/// with each chosen metric charted against each swept field.
extension SweepExperiment.Outcome: ReportedExperiment {
    public var resultRows: [ExperimentResultRow] {
        evaluations.enumerated().flatMap { i, e in
            let item = "point \(i): " + SweepExperiment.pointText(self, i)
            return record.spec.strategies.flatMap { s in
                record.spec.metrics.map { m in
                    let ci = e.estimate(m, strategy: s)
                    return ExperimentResultRow(item: item, strategy: s, metric: m, value: ci.mean, low: ci.low, high: ci.high, n: ci.n)
                }
            }
        }
    }

    public var headline: String {
        guard let m = record.spec.metrics.first else { return "" }
        return record.spec.strategies.compactMap { s in
            SweepExperiment.best(self, metric: m, strategy: s).map { b in
                b.unaffected ? "\(s): \(m) \(ExperimentPage.human(b.interval.mean, m)), not affected by the factors"
                             : "\(s): best \(m) \(ExperimentPage.human(b.interval.mean, m)) \(SweepExperiment.bestPlace(self, b))"
            }
        }.joined(separator: "; ")
    }

    public var consoleSummary: String {
        var out = ""
        for m in record.spec.metrics {
            for s in record.spec.strategies {
                guard let b = SweepExperiment.best(self, metric: m, strategy: s) else { continue }
                let which = b.unaffected ? "" : (Metrics.byName[m]?.higherIsBetter == false ? "lowest " : "highest ")
                out += "  \(m) · \(s): \(which)\(ExperimentPage.cell(b.interval, m)) \(SweepExperiment.bestPlace(self, b))\n"
            }
        }
        return out
    }

    public func write(to dir: URL) throws { try SweepExperiment.write(self, to: dir) }
}

extension SweepExperiment {
    static func write(_ o: Outcome, to dir: URL) throws {
        let scenario = o.record.scenario
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        try AtomicFile.write(csv(o), to: dir.appendingPathComponent("sweep.csv"))
        let sweep = o.record.spec.sweep!
        try o.record.writeReport(to: dir, html: html(o), markdown: markdown(o), notebook: ExperimentNotebook.sweep(o),
                                 results: ["design": .string(sweep.design.rawValue),
                                           "factors": .array(sweep.factors.map { .string($0.path.text) }),
                                           "points": .integer(o.points.count)])
    }

    /// One row per point × strategy × metric (every metric, not only the charted ones).
    public static func csv(_ o: Outcome) -> String {
        let spec = o.record.spec
        var out = "point," + spec.sweep!.factors.map { CSVRecords.field($0.path.text) }.joined(separator: ",") + ",strategy,metric,mean,ci_low,ci_high,n\n"
        for (i, e) in o.evaluations.enumerated() {
            let prefix = "\(i)," + e.values.map(ScenarioEditor.format).joined(separator: ",")
            for s in spec.strategies {
                for m in Metrics.all {
                    let ci = e.estimate(m.name, strategy: s)
                    out += "\(prefix),\(CSVRecords.field(s)),\(m.name),\(CSVRecords.number(ci.mean)),\(CSVRecords.number(ci.low)),\(CSVRecords.number(ci.high)),\(ci.n)\n"
                }
            }
        }
        return out
    }

    /// Where the best is: the point, "N points tie", or that the factors do not affect it.
    static func bestPlace(_ o: Outcome, _ b: Best) -> String {
        if b.unaffected { return "the same at every point: the factors do not affect this strategy" }
        let at = "at " + pointText(o, b.point)
        return b.tied > 1 ? at + " (tied with \(counted(b.tied - 1, "other point")))" : at
    }

    static func pointText(_ o: Outcome, _ i: Int) -> String {
        zip(o.record.spec.sweep!.factors, o.evaluations[i].values).map { "\($0.path.text) = \(ScenarioEditor.format($1))" }.joined(separator: ", ")
    }

    static func html(_ o: Outcome) -> String {
        let spec = o.record.spec
        let sweep = spec.sweep!
        var h = "<h2>Design</h2><p>\(sweep.design == .grid ? "Grid" : "Sobol space-filling design") of \(o.points.count) points over:</p><ul>"
        for f in sweep.factors {
            let levels = f.values.map { "values " + $0.map(ScenarioEditor.format).joined(separator: ", ") }
                ?? "range \(ScenarioEditor.format(f.range!.lowerBound)) to \(ScenarioEditor.format(f.range!.upperBound))\(sweep.design == .grid ? " in \(f.gridLevels.count) levels" : "")"
            h += "<li><code>\(HTMLReport.escape(f.path.text))</code>: \(HTMLReport.escape(levels))\(f.integer ? " (whole numbers)" : "")</li>"
        }
        h += "</ul>"
        guard !o.evaluations.isEmpty else { return h + "<p>No point has been evaluated yet.</p>\n" }
        h += "<h2>Best points</h2><table><thead><tr><th>Metric</th>"
        for s in spec.strategies { h += "<th>\(HTMLReport.escape(s))</th>" }
        h += "</tr></thead><tbody>"
        for m in spec.metrics {
            h += "<tr><td>\(HTMLReport.escape(m))<br><span class=\"ns\">\(Metrics.byName[m]?.higherIsBetter == false ? "lowest" : "highest")</span></td>"
            for s in spec.strategies {
                guard let b = best(o, metric: m, strategy: s) else { h += "<td>–</td>"; continue }
                h += "<td>\(ExperimentPage.htmlCell(b.interval, m))<span class=\"ci\">\(HTMLReport.escape(bestPlace(o, b)))</span></td>"
            }
            h += "</tr>"
        }
        h += "</tbody></table>\n"
        for (fi, f) in sweep.factors.enumerated() {
            h += "<h2>Against <code>\(HTMLReport.escape(f.path.text))</code></h2>"
            if sweep.factors.count > 1 && sweep.design == .grid {
                h += "<p class=\"ns\">At each level, the mean over the other factors' levels (main effect); the band is the 95% CI over replications.</p>"
            } else if sweep.factors.count > 1 {
                h += "<p class=\"ns\">Each point is one design point (the other factors vary too), with its 95% CI.</p>"
            }
            h += "<div class=\"grid\">"
            for m in spec.metrics {
                let series = spec.strategies.map { s in
                    (s, SweepAnalysis.mainEffect(o.evaluations, factor: fi, metric: m, strategy: s).map {
                        ($0.value, $0.interval.mean, $0.interval.low, $0.interval.high)
                    })
                }
                let scale = Metrics.displayScale(m)
                let scaled = series.map { ($0.0, $0.1.map { ($0.0, $0.1 * scale, $0.2 * scale, $0.3 * scale) }) }
                h += SVGChart.effect(title: m, xLabel: f.path.text, yLabel: Metrics.isShare(m) ? "\(m) (%)" : m, series: scaled,
                                     connect: sweep.design == .grid, yFormat: { String(format: "%g", $0) })
            }
            h += "</div>\n"
        }
        h += "<p class=\"ns\">Every metric at every point and strategy, with CIs: <code>sweep.csv</code>.</p>\n"
        return h
    }

    static func markdown(_ o: Outcome) -> String {
        let spec = o.record.spec
        var out = "## Factors\n\n"
        for f in spec.sweep!.factors { out += "- \(MarkdownReport.code(f.path.text))\n" }
        guard !o.evaluations.isEmpty else { return out + "\nNo point has been evaluated yet.\n" }
        out += "\n## Best points\n\n| Metric | " + spec.strategies.map(MarkdownReport.escape).joined(separator: " | ") + " |\n"
        out += "|---|" + spec.strategies.map { _ in "---" }.joined(separator: "|") + "|\n"
        for m in spec.metrics {
            var cells = [MarkdownReport.escape(m)]
            for s in spec.strategies {
                guard let b = best(o, metric: m, strategy: s) else { cells.append("–"); continue }
                cells.append("\(ExperimentPage.cell(b.interval, m)) \(MarkdownReport.escape(bestPlace(o, b)))")
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\nEvery point: `sweep.csv`.\n"
        return out
    }
}
