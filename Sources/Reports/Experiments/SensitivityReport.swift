import Analysis
import Experiments
import Foundation
import Scenario
import Stochastics
import Storage

/// The sensitivity analysis's files: `sensitivity.csv` (one row per strategy × metric × factor),
/// `samples.csv` (the sample matrix in SALib's row order with every output, so the indices can
/// be checked elsewhere), a report with the indices charted, and `summary.json`.
extension SensitivityExperiment.Outcome: ReportedExperiment {
    public var resultRows: [ExperimentResultRow] {
        results.flatMap { r in
            spec.factors.enumerated().flatMap { i, f in [
                ExperimentResultRow(item: "S1 \(f.path.text)", strategy: r.strategy, metric: r.metric, value: r.indices.first[i],
                                    low: r.indices.first[i] - r.indices.firstHalfWidth[i], high: r.indices.first[i] + r.indices.firstHalfWidth[i], n: samplesUsed),
                ExperimentResultRow(item: "ST \(f.path.text)", strategy: r.strategy, metric: r.metric, value: r.indices.total[i],
                                    low: r.indices.total[i] - r.indices.totalHalfWidth[i], high: r.indices.total[i] + r.indices.totalHalfWidth[i], n: samplesUsed),
            ] }
        }
    }

    /// The most influential factor (largest total index) for each metric of the first strategy.
    public var headline: String {
        results.filter { $0.strategy == record.spec.strategies[0] }.compactMap { r in
            guard let i = r.indices.total.indices.max(by: { r.indices.total[$0] < r.indices.total[$1] }) else { return nil }
            return "\(r.metric): \(spec.factors[i].path.text) (ST \(String(format: "%.2f", r.indices.total[i])))"
        }.joined(separator: "; ")
    }

    public var consoleSummary: String {
        var out = ""
        for r in results {
            out += "  \(r.strategy) · \(r.metric) — \(SensitivityExperiment.noisePhrase(r.indices))\n"
            for (i, f) in spec.factors.enumerated() {
                let name = f.path.text.padding(toLength: max(44, f.path.text.count), withPad: " ", startingAt: 0)
                out += "    \(name) " + String(format: "S1 %6.3f ± %.3f   ST %6.3f ± %.3f", r.indices.first[i],
                                                 r.indices.firstHalfWidth[i], r.indices.total[i], r.indices.totalHalfWidth[i])
                out += r.indices.totalWithinNoise(i) ? "   ≈ noise\n" : "\n"
            }
        }
        for warning in noiseWarnings { out += "warning: \(warning)\n" }
        return out
    }

    /// One line per strategy · metric whose noise is too large a share of its variance to
    /// read the indices, or cannot be estimated.
    public var noiseWarnings: [String] {
        let noisy = results.filter { ($0.indices.noiseShare ?? 0) >= SobolIndices.noisyShare }
        var lines = noisy.map { r in
            "simulation noise is \(SensitivityExperiment.percent(r.indices.noiseShare!)) of the variance of \(r.metric) under \(r.strategy): "
                + "indices whose interval reaches \(String(format: "%.2f", r.indices.noiseShare!)) cannot be told from noise; "
                + "raise experiment.replications or experiment.population"
        }
        // A metric that takes one value at every point has no indices (they are NaN).
        let hasIndices = { (r: SensitivityExperiment.Result) in !r.indices.total.allSatisfy(\.isNaN) }
        lines += results.filter { !hasIndices($0) }.map { "\($0.metric) under \($0.strategy) takes the same value at every point: it has no indices" }
        if results.contains(where: { hasIndices($0) && $0.indices.noiseShare == nil }) {
            lines.append("simulation noise not estimated: it needs at least 2 replications per point (experiment.replications)")
        }
        return lines
    }

    public func write(to dir: URL) throws { try SensitivityExperiment.write(self, to: dir) }
}

extension SensitivityExperiment {
    static func write(_ o: Outcome, to dir: URL) throws {
        let scenario = o.record.scenario
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        try AtomicFile.write(indicesCSV(o), to: dir.appendingPathComponent("sensitivity.csv"))
        try AtomicFile.write(samplesCSV(o), to: dir.appendingPathComponent("samples.csv"))
        try o.record.writeReport(to: dir, html: html(o), markdown: markdown(o), notebook: ExperimentNotebook.sensitivity(o),
                                 results: ["factors": .array(o.spec.factors.map { .string($0.path.text) }),
                                           "base_samples": .integer(o.spec.samples),
                                           "base_samples_used": .integer(o.samplesUsed),
                                           "bootstrap_resamples": .integer(o.spec.bootstrap),
                                           "confidence": .number(o.spec.confidence)])
    }

    /// One row per strategy × metric × factor. `noise_share` is the simulation noise's share of
    /// the metric's variance (empty when not estimated); `S1_within_noise` and `ST_within_noise`
    /// say whether noise alone could account for the index.
    public static func indicesCSV(_ o: Outcome) -> String {
        var out = "strategy,metric,factor,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high,base_samples,noise_share,S1_within_noise,ST_within_noise\n"
        for r in o.results {
            for (i, f) in o.spec.factors.enumerated() {
                let s1 = r.indices.first[i], h1 = r.indices.firstHalfWidth[i], st = r.indices.total[i], ht = r.indices.totalHalfWidth[i]
                out += "\(CSVRecords.field(r.strategy)),\(r.metric),\(CSVRecords.field(f.path.text)),\(CSVRecords.number(s1)),\(CSVRecords.number(s1 - h1)),\(CSVRecords.number(s1 + h1)),"
                out += "\(CSVRecords.number(st)),\(CSVRecords.number(st - ht)),\(CSVRecords.number(st + ht)),\(o.samplesUsed),"
                out += r.indices.noiseShare.map(CSVRecords.number) ?? ""
                out += ",\(r.indices.firstWithinNoise(i)),\(r.indices.totalWithinNoise(i))\n"
            }
        }
        return out
    }

    /// "simulation noise 4% of variance", or why it is not known.
    static func noisePhrase(_ indices: SobolIndices) -> String {
        guard let share = indices.noiseShare else { return "simulation noise not estimated (1 replication per point)" }
        return "simulation noise \(percent(share)) of variance"
    }

    public static func percent(_ share: Double) -> String {
        share < 0.01 ? String(format: "%.1f%%", share * 100) : String(format: "%.0f%%", share * 100)
    }

    /// The sample matrix and the outputs: one row per design point, the chosen metrics of every
    /// strategy as columns named `strategy:metric`.
    public static func samplesCSV(_ o: Outcome) -> String {
        let e = o.record.spec
        let columns = e.strategies.flatMap { s in e.metrics.map { (s, $0) } }
        var out = "row," + o.spec.factors.map { CSVRecords.field($0.path.text) }.joined(separator: ",")
        out += "," + columns.map { CSVRecords.field("\($0.0):\($0.1)") }.joined(separator: ",") + "\n"
        for (i, ev) in o.evaluations.enumerated() {
            out += "\(i)," + ev.values.map(CSVRecords.number).joined(separator: ",")
            out += "," + columns.map { CSVRecords.number(ev.mean($0.1, strategy: $0.0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func html(_ o: Outcome) -> String {
        let k = o.spec.factors.count
        var h = "<h2>Design</h2><p>Saltelli sampling from a \(2 * k)-dimensional Sobol sequence: \(o.spec.samples) base samples × (\(k) factors + 2) = \(o.points.count) evaluations"
        h += "; indices use \(o.samplesUsed) complete base samples. First-order S1 is the share of the metric's variance a factor explains alone; total ST adds its interactions. "
        h += "Intervals: \(Int((o.spec.confidence * 100).rounded()))% bootstrap (\(o.spec.bootstrap) resamples of the base samples, each output also moved by a fresh draw of its own Monte Carlo noise, estimated from its \(counted(o.record.spec.replications, "replication"))), so they include how far another seed would move an index. "
        h += "The variance the indices share out includes that noise: an index whose interval reaches down to the noise's share (marked ≈ noise) cannot be told from it.</p><ul>"
        for f in o.spec.factors {
            h += "<li><code>\(HTMLReport.escape(f.path.text))</code>: \(ScenarioEditor.format(f.range!.lowerBound)) to \(ScenarioEditor.format(f.range!.upperBound))\(f.integer ? " (whole numbers)" : "")</li>"
        }
        h += "</ul>"
        guard !o.results.isEmpty else { return h + "<p>Too few complete base samples for indices yet.</p>\n" }
        h += "<h2>Indices</h2>"
        for warning in o.noiseWarnings { h += "<p class=\"partial\">\(HTMLReport.escape(warning))</p>" }
        h += "<div class=\"grid\">"
        let factors = o.spec.factors.map(\.path.text)
        for r in o.results {
            h += SVGChart.bars(title: "\(r.metric) · \(r.strategy) (\(noisePhrase(r.indices)))", categories: factors, strategies: ["S1 first-order", "ST total"], value: { series, factor in
                guard let i = factors.firstIndex(of: factor) else { return nil }
                let (v, hw) = series.hasPrefix("S1") ? (r.indices.first[i], r.indices.firstHalfWidth[i]) : (r.indices.total[i], r.indices.totalHalfWidth[i])
                return ReportData.Estimate(mean: v, low: v - hw, high: v + hw, n: o.samplesUsed)
            }, format: { String(format: "%.2f", $0) })
        }
        h += "</div>\n<table><thead><tr><th>Strategy · metric</th><th>Simulation noise</th><th>Factor</th><th>S1</th><th>ST</th></tr></thead><tbody>"
        for r in o.results {
            for (i, f) in factors.enumerated() {
                h += "<tr><td>\(HTMLReport.escape("\(r.strategy) · \(r.metric)"))</td><td>\(r.indices.noiseShare.map(percent) ?? "not estimated")</td>"
                h += "<td><code>\(HTMLReport.escape(f))</code></td>"
                h += "<td>" + indexCell(r.indices.first[i], r.indices.firstHalfWidth[i], noise: r.indices.firstWithinNoise(i)) + "</td>"
                h += "<td>" + indexCell(r.indices.total[i], r.indices.totalHalfWidth[i], noise: r.indices.totalWithinNoise(i)) + "</td></tr>"
            }
        }
        return h + "</tbody></table><p class=\"ns\">All indices: <code>sensitivity.csv</code>; sample matrix and outputs: <code>samples.csv</code>.</p>\n"
    }

    static func indexCell(_ value: Double, _ halfWidth: Double, noise: Bool) -> String {
        String(format: "%.3f<span class=\"ci\">± %.3f</span>", value, halfWidth) + (noise ? " <span class=\"ns\">≈ noise</span>" : "")
    }

    static func markdown(_ o: Outcome) -> String {
        var out = "Saltelli sampling, \(o.samplesUsed) complete base samples, \(Int((o.spec.confidence * 100).rounded()))% bootstrap intervals "
        out += "that include the model's Monte Carlo noise. An index whose interval reaches down to the noise's share of the variance (≈ noise) cannot be told from it.\n\n"
        guard !o.results.isEmpty else { return out + "Too few complete base samples for indices yet.\n" }
        for warning in o.noiseWarnings { out += "**Warning:** \(MarkdownReport.escape(warning))\n\n" }
        out += "| Strategy · metric | Simulation noise | Factor | S1 | ST |\n|---|---:|---|---:|---:|\n"
        for r in o.results {
            for (i, f) in o.spec.factors.enumerated() {
                out += "| \(MarkdownReport.escape("\(r.strategy) · \(r.metric)")) | \(r.indices.noiseShare.map(percent) ?? "not estimated") | "
                out += "\(MarkdownReport.code(f.path.text, inTable: true)) | "
                for (v, hw, noise) in [(r.indices.first[i], r.indices.firstHalfWidth[i], r.indices.firstWithinNoise(i)),
                                       (r.indices.total[i], r.indices.totalHalfWidth[i], r.indices.totalWithinNoise(i))] {
                    out += String(format: "%.3f ± %.3f", v, hw) + (noise ? " ≈ noise" : "") + " | "
                }
                out.removeLast()
                out += "\n"
            }
        }
        return out
    }
}
