import Analysis
import Experiments
import Foundation
import Scenario
import Stochastics
import Storage

/// The calibration's files: `calibration.csv`, `residuals.csv`, `fitted.yaml` (the scenario
/// with the fitted values), a report and `summary.json`.
extension CalibrateExperiment.Outcome: ReportedExperiment {
    public var resultRows: [ExperimentResultRow] {
        parameters.map { p in
            ExperimentResultRow(item: "fitted parameter", strategy: record.spec.calibrate!.strategy, metric: p.factor.path.text, value: p.estimate,
                                low: p.estimate - 1.96 * p.standardError, high: p.estimate + 1.96 * p.standardError, n: residuals.count)
        } + residuals.map { r in
            ExperimentResultRow(item: "residual", strategy: r.target.strategy, metric: r.target.label, value: r.model,
                                low: r.model - 1.96 * r.modelError, high: r.model + 1.96 * r.modelError, n: 0)
        }
    }

    public var headline: String {
        parameters.map { "\($0.factor.path.text) = \(String(format: "%.4g", $0.estimate))" + ($0.standardError.isFinite ? " ± \(String(format: "%.2g", $0.standardError))" : "") }
            .joined(separator: "; ") + String(format: "; χ² %.1f on %d dof", correlatedChiSquare, degreesOfFreedom)
    }

    public var consoleSummary: String {
        let withErrors = parameters.contains { $0.standardError.isFinite }
        var out = "  Fitted (\(ending))" + (withErrors ? "; standard errors over the targets' correlated observed and Monte Carlo errors:\n"
            : ending == CalibrateExperiment.budgetSpent ? "; no standard errors: the search ran out of evaluations before a minimum (raise max_evaluations):\n"
            : "; no standard errors could be formed:\n")
        for p in parameters {
            let error = p.standardError.isFinite ? " ± \(String(format: "%.3g", p.standardError))"
                : withErrors ? " (not identified: the targets do not move with it)" : ""
            out += "    \(p.factor.path.text) = \(String(format: "%.5g", p.estimate))\(error)  (start \(ScenarioEditor.format(p.start)))\n"
        }
        for (a, b, r) in jointlyIdentified {
            out += "  \(a.factor.path.text) and \(b.factor.path.text) are identified only together (correlation "
                + String(format: "%+.2f", r) + "): the targets pin down a combination of them.\n"
        }
        out += String(format: "  χ² %.2f on %d degrees of freedom (p = %.3f), with the targets' correlations; weighted sum of squares %.2f, %.2f at the start.\n",
                      correlatedChiSquare, degreesOfFreedom, pValue, chiSquare, chiSquareAtStart)
        if errorScale > 1.5 && withErrors { out += String(format: "  The fit is worse than the errors allow: scale the standard errors by %.2f, or question the model.\n", errorScale) }
        let worst = residuals.max { abs($0.residual) < abs($1.residual) }
        if let w = worst { out += "  Largest residual: \(w.target.label) (" + String(format: "%+.2f", w.residual) + " σ).\n" }
        out += "  Fitted scenario: fitted.yaml; residuals: residuals.csv\n"
        return out
    }

    public func write(to dir: URL) throws { try CalibrateExperiment.write(self, to: dir) }
}

extension CalibrateExperiment {
    // MARK: Files

    static func write(_ o: Outcome, to dir: URL) throws {
        let scenario = o.record.scenario
        try AtomicFile.write(ScenarioWriter.yaml(scenario), to: dir.appendingPathComponent("scenario.resolved.yaml"))
        try AtomicFile.write(parametersCSV(o), to: dir.appendingPathComponent("calibration.csv"))
        try AtomicFile.write(residualsCSV(o), to: dir.appendingPathComponent("residuals.csv"))
        if !o.parameters.isEmpty {
            var s = try ScenarioEditor(scenario).scenario(setting: o.parameters.map { ($0.factor.path, $0.estimate) })
            s.experiment = nil
            s.name = scenario.name + "-fitted"
            s.description = "\(scenario.description) Calibrated by collectsim calibrate: "
                + o.parameters.map { "\($0.factor.path.text) = \(String(format: "%.5g", $0.estimate)) ± \(String(format: "%.2g", $0.standardError))" }.joined(separator: ", ") + "."
            let text = ScenarioWriter.yaml(s).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            try AtomicFile.write("# Written by collectsim calibrate: the scenario with the fitted parameters. Run it with `collectsim run fitted.yaml`.\n" + text,
                                 to: dir.appendingPathComponent("fitted.yaml"))
        }
        let fitted = JSONValue.object(Dictionary(o.parameters.map {
            ($0.factor.path.text, JSONValue.object(["estimate": .number($0.estimate), "std_error": .number($0.standardError)]))
        }) { first, _ in first })
        try o.record.writeReport(to: dir, html: html(o), markdown: markdown(o), notebook: ExperimentNotebook.calibrate(o),
                                 results: ["fitted": fitted, "chi_square": .number(o.correlatedChiSquare),
                                           "weighted_sum_of_squares": .number(o.chiSquare),
                                           "degrees_of_freedom": .integer(o.degreesOfFreedom), "p_value": .number(o.pValue),
                                           "ending": .string(o.ending), "targets": .integer(o.residuals.count)])
    }

    public static func parametersCSV(_ o: Outcome) -> String {
        var out = "parameter,start,estimate,std_error,ci_low,ci_high,std_error_scaled,range_low,range_high\n"
        for p in o.parameters {
            out += "\(CSVRecords.field(p.factor.path.text)),\(CSVRecords.number(p.start)),\(CSVRecords.number(p.estimate)),\(CSVRecords.number(p.standardError)),"
            out += "\(CSVRecords.number(p.estimate - 1.96 * p.standardError)),\(CSVRecords.number(p.estimate + 1.96 * p.standardError)),\(CSVRecords.number(p.standardError * o.errorScale)),"
            out += "\(CSVRecords.number(p.factor.range!.lowerBound)),\(CSVRecords.number(p.factor.range!.upperBound))\n"
        }
        return out
    }

    public static func residualsCSV(_ o: Outcome) -> String {
        var out = "strategy,kind,name,group,source,period,observed,std_error,model_at_start,model,model_std_error,sigma,residual\n"
        for r in o.residuals {
            let t = r.target
            out += "\(CSVRecords.field(t.strategy)),\(t.kind.rawValue),\(CSVRecords.field(t.name)),\(CSVRecords.field(t.group)),\(CSVRecords.field(t.source)),\(t.period),"
            out += "\(CSVRecords.number(t.value)),\(CSVRecords.number(t.standardError)),"
            out += "\(CSVRecords.number(r.modelAtStart)),\(CSVRecords.number(r.model)),\(CSVRecords.number(r.modelError)),\(CSVRecords.number(r.sigma)),\(CSVRecords.number(r.residual))\n"
        }
        return out
    }

    static func html(_ o: Outcome) -> String {
        var h = "<h2>Fit</h2><p>Weighted least squares (GSL trust-region Levenberg–Marquardt) of \(o.residuals.count) observed aggregates; each residual is divided by the observed standard error and the model's own Monte Carlo error combined. Standard errors are a sandwich over the targets' correlated errors, observed and Monte Carlo; none are given when the search ended on its budget. Ended: \(HTMLReport.escape(o.ending)).</p>"
        guard !o.parameters.isEmpty else { return h + "<p>Stopped before a fit.</p>\n" }
        h += "<table><thead><tr><th>Parameter</th><th>Start</th><th>Fitted</th><th>Standard error</th><th>95% interval</th></tr></thead><tbody>"
        for p in o.parameters {
            h += "<tr><td><code>\(HTMLReport.escape(p.factor.path.text))</code></td><td>\(ScenarioEditor.format(p.start))</td><td><b>\(String(format: "%.5g", p.estimate))</b></td><td>\(String(format: "%.3g", p.standardError))</td>"
            h += "<td>\(String(format: "%.4g – %.4g", p.estimate - 1.96 * p.standardError, p.estimate + 1.96 * p.standardError))</td></tr>"
        }
        h += "</tbody></table>"
        h += String(format: "<p>χ² = %.2f on %d degrees of freedom (p = %.3f), with the targets' correlations; weighted sum of squares %.2f, %.2f at the start.",
                    o.correlatedChiSquare, o.degreesOfFreedom, o.pValue, o.chiSquare, o.chiSquareAtStart)
        for (a, b, r) in o.jointlyIdentified {
            h += " <code>\(HTMLReport.escape(a.factor.path.text))</code> and <code>\(HTMLReport.escape(b.factor.path.text))</code> are identified only together (correlation "
                + String(format: "%+.2f", r) + ")."
        }
        if o.errorScale > 1.5 {
            h += String(format: " The misfit is larger than the errors allow: if it is noise, the standard errors are %.2f times wider (<code>std_error_scaled</code>); otherwise the model misses something the data show.", o.errorScale)
        }
        h += "</p><h2>Observed and fitted</h2>"
        // Curves observed on three days or more are drawn; single points are in the table.
        let curves = Dictionary(grouping: o.residuals.filter { $0.target.kind == .curve }, by: { "\($0.target.strategy) · \($0.target.name)" })
            .filter { $0.value.count >= 3 }
        if !curves.isEmpty {
            h += "<div class=\"grid\">"
            for key in curves.keys.sorted() {
                let rows = curves[key]!.sorted { $0.target.period < $1.target.period }
                let scale = rows[0].target.name == "complaints" ? 1.0 : 100
                let observed = rows.map { (Double($0.target.period), $0.target.value * scale, ($0.target.value - 1.96 * $0.target.standardError) * scale, ($0.target.value + 1.96 * $0.target.standardError) * scale) }
                let fitted = rows.map { (Double($0.target.period), $0.model * scale, ($0.model - 1.96 * $0.modelError) * scale, ($0.model + 1.96 * $0.modelError) * scale) }
                let start = rows.map { (Double($0.target.period), $0.modelAtStart * scale, Double.nan, Double.nan) }
                h += SVGChart.effect(title: "Curve \(key)", xLabel: "day", yLabel: scale == 100 ? "%" : "per 1,000",
                                     series: [("observed (95%)", observed), ("fitted (95%)", fitted), ("start", start)],
                                     connect: false, yFormat: { String(format: "%g", $0) })
            }
            h += "</div>"
        }
        h += "<table><thead><tr><th>Target</th><th>Observed</th><th>Start</th><th>Fitted</th><th>Residual (σ)</th></tr></thead><tbody>"
        for r in o.residuals {
            h += "<tr><td>\(HTMLReport.escape("\(r.target.strategy) · \(r.target.label)"))</td><td>\(String(format: "%.4g", r.target.value))<span class=\"ci\">± \(String(format: "%.2g", r.target.standardError))</span></td>"
            h += "<td>\(String(format: "%.4g", r.modelAtStart))</td><td>\(String(format: "%.4g", r.model))<span class=\"ci\">± \(String(format: "%.2g", r.modelError))</span></td>"
            h += "<td\(abs(r.residual) > 3 ? " class=\"best\" style=\"background:#fdecea\"" : "")>\(String(format: "%+.2f", r.residual))</td></tr>"
        }
        return h + "</tbody></table><p class=\"ns\">Residuals beyond ±3σ are shaded. Files: <code>calibration.csv</code>, <code>residuals.csv</code>, <code>fitted.yaml</code>.</p>\n"
    }

    static func markdown(_ o: Outcome) -> String {
        guard !o.parameters.isEmpty else { return "Stopped before a fit.\n" }
        var out = "| Parameter | Start | Fitted | Standard error |\n|---|---:|---:|---:|\n"
        for p in o.parameters {
            out += "| \(MarkdownReport.code(p.factor.path.text, inTable: true)) | \(ScenarioEditor.format(p.start)) | \(String(format: "%.5g", p.estimate)) | \(String(format: "%.3g", p.standardError)) |\n"
        }
        out += String(format: "\nχ² = %.2f on %d degrees of freedom (p = %.3f), with the targets' correlations.", o.correlatedChiSquare, o.degreesOfFreedom, o.pValue)
            + " Ended: \(o.ending).\n\n"
        out += "| Target | Observed | Fitted | Residual (σ) |\n|---|---:|---:|---:|\n"
        for r in o.residuals {
            out += "| \(MarkdownReport.escape("\(r.target.strategy) · \(r.target.label)")) | \(String(format: "%.4g", r.target.value)) | \(String(format: "%.4g", r.model)) | \(String(format: "%+.2f", r.residual)) |\n"
        }
        return out
    }
}
