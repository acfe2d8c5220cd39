import Analysis
import Foundation
import Scenario
import Stochastics

/// `collectsim sensitivity`: Sobol first-order and total indices of the chosen metrics to the
/// chosen factors, by Saltelli sampling, with bootstrap confidence intervals.
///
/// Writes `sensitivity.csv` (one row per strategy × metric × factor), `samples.csv` (the sample
/// matrix in SALib's row order with every output, so the indices can be checked elsewhere), a
/// report with the indices charted, and `summary.json`.
public enum SensitivityExperiment {
    public struct Result: Sendable {
        public let strategy: String
        public let metric: String
        public let indices: SobolIndices
    }

    public struct Outcome: ExperimentOutcome {
        public let page: ExperimentPage
        public let points: [[Double]]
        public let evaluations: [PointEvaluation]
        /// Base samples whose k + 2 evaluations are all complete (all of them unless stopped).
        public let samplesUsed: Int
        public let results: [Result]

        var spec: SensitivitySpec { page.spec.sensitivity! }

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
            results.filter { $0.strategy == page.spec.strategies[0] }.compactMap { r in
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
            let hasIndices = { (r: Result) in !r.indices.total.allSatisfy(\.isNaN) }
            lines += results.filter { !hasIndices($0) }.map { "\($0.metric) under \($0.strategy) takes the same value at every point: it has no indices" }
            if results.contains(where: { hasIndices($0) && $0.indices.noiseShare == nil }) {
                lines.append("simulation noise not estimated: it needs at least 2 replications per point (experiment.replications)")
            }
            return lines
        }
    }

    /// Saltelli's design mapped onto the factors' ranges: N·(k + 2) points.
    public static func points(_ scenario: Scenario) -> [[Double]] {
        ExperimentDesign.sensitivity(scenario.experiment!.sensitivity!)
    }

    public static func run(_ scenario: Scenario, in dir: URL, threads: Int?, stop: StopRequest?, mode: ExperimentSession.Mode = .run,
                           progress: ((ExperimentProgress) -> Void)?) throws -> Outcome {
        let spec = scenario.experiment!.sensitivity!
        let points = self.points(scenario)
        let session = ExperimentSession(evaluator: ExperimentEvaluator(base: scenario, factors: spec.factors, threads: threads),
                                        dir: dir, budget: points.count, stop: stop, mode: mode, progress: progress)
        let evaluations = try session.evaluateUntilStopped(points)
        let outcome = analyze(scenario, points: points, evaluations: evaluations)
        try write(outcome, to: dir)
        return outcome
    }

    /// The indices from the evaluations made so far (whole base samples only).
    public static func analyze(_ scenario: Scenario, points: [[Double]], evaluations: [PointEvaluation]) -> Outcome {
        let e = scenario.experiment!
        let spec = e.sensitivity!
        let k = spec.factors.count
        let used = evaluations.count / (k + 2)
        var results: [Result] = []
        if used >= 2 {
            let rows = evaluations.prefix(used * (k + 2))
            for s in e.strategies {
                for m in e.metrics {
                    let y = rows.map { $0.mean(m, strategy: s) }
                    guard y.allSatisfy(\.isFinite) else { continue }
                    results.append(Result(strategy: s, metric: m, indices: SobolAnalysis.indices(
                        outputs: y, noiseVariances: noiseVariances(rows, metric: m, strategy: s), factors: k,
                        resamples: spec.bootstrap, confidence: spec.confidence, seed: scenario.seed)))
                }
            }
        }
        let page = ExperimentPage(kind: "sensitivity", scenario: scenario, evaluations: evaluations.count, budget: points.count,
                                  partial: evaluations.count < points.count)
        return Outcome(page: page, points: points, evaluations: evaluations, samplesUsed: used, results: results)
    }

    /// The Monte Carlo noise of each point's mean that differs between points (see
    /// `ReplicationNoise`); nil when it cannot be estimated (one replication per point).
    static func noiseVariances(_ rows: ArraySlice<PointEvaluation>, metric: String, strategy: String) -> [Double]? {
        ReplicationNoise.varianceOfMeans(rows.map { $0.perReplication[strategy]?[metric] ?? [] })
    }

    static func write(_ o: Outcome, to dir: URL) throws {
        let scenario = o.page.scenario
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        try AtomicFile.write(indicesCSV(o), to: dir.appendingPathComponent("sensitivity.csv"))
        try AtomicFile.write(samplesCSV(o), to: dir.appendingPathComponent("samples.csv"))
        try AtomicFile.write(o.page.html(title: "Sensitivity: \(scenario.name)", body: html(o)), to: dir.appendingPathComponent("report.html"))
        try AtomicFile.write(o.page.markdown(title: "Sensitivity: \(scenario.name)", body: markdown(o)), to: dir.appendingPathComponent("report.md"))
        try AtomicFile.write(ExperimentNotebook.sensitivity(o), to: dir.appendingPathComponent("analysis.ipynb"))
        try AtomicFile.write(o.page.summaryJSON(results: ["factors": .array(o.spec.factors.map { .string($0.path.text) }),
                                                          "base_samples": .integer(o.spec.samples),
                                                          "base_samples_used": .integer(o.samplesUsed),
                                                          "bootstrap_resamples": .integer(o.spec.bootstrap),
                                                          "confidence": .number(o.spec.confidence)]),
                             to: dir.appendingPathComponent("summary.json"))
    }

    /// One row per strategy × metric × factor. `noise_share` is the simulation noise's share of
    /// the metric's variance (empty when not estimated); `S1_within_noise` and `ST_within_noise`
    /// say whether noise alone could account for the index.
    public static func indicesCSV(_ o: Outcome) -> String {
        var out = "strategy,metric,factor,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high,base_samples,noise_share,S1_within_noise,ST_within_noise\n"
        for r in o.results {
            for (i, f) in o.spec.factors.enumerated() {
                let s1 = r.indices.first[i], h1 = r.indices.firstHalfWidth[i], st = r.indices.total[i], ht = r.indices.totalHalfWidth[i]
                out += "\(Format.field(r.strategy)),\(r.metric),\(Format.field(f.path.text)),\(Format.csv(s1)),\(Format.csv(s1 - h1)),\(Format.csv(s1 + h1)),"
                out += "\(Format.csv(st)),\(Format.csv(st - ht)),\(Format.csv(st + ht)),\(o.samplesUsed),"
                out += r.indices.noiseShare.map(Format.csv) ?? ""
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
        let e = o.page.spec
        let columns = e.strategies.flatMap { s in e.metrics.map { (s, $0) } }
        var out = "row," + o.spec.factors.map { Format.field($0.path.text) }.joined(separator: ",")
        out += "," + columns.map { Format.field("\($0.0):\($0.1)") }.joined(separator: ",") + "\n"
        for (i, ev) in o.evaluations.enumerated() {
            out += "\(i)," + ev.values.map(Format.csv).joined(separator: ",")
            out += "," + columns.map { Format.csv(ev.mean($0.1, strategy: $0.0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func html(_ o: Outcome) -> String {
        let k = o.spec.factors.count
        var h = "<h2>Design</h2><p>Saltelli sampling from a \(2 * k)-dimensional Sobol sequence: \(o.spec.samples) base samples × (\(k) factors + 2) = \(o.points.count) evaluations"
        h += "; indices use \(o.samplesUsed) complete base samples. First-order S1 is the share of the metric's variance a factor explains alone; total ST adds its interactions. "
        h += "Intervals: \(Int((o.spec.confidence * 100).rounded()))% bootstrap (\(o.spec.bootstrap) resamples of the base samples, each output also moved by a fresh draw of its own Monte Carlo noise, estimated from its \(counted(o.page.spec.replications, "replication"))), so they include how far another seed would move an index. "
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
