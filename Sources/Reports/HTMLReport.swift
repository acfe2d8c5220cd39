import CollectionsModel
import Scenario

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no network) that says
/// which strategy wins, by how much, at what price in complaints, and how sure we are.
public enum HTMLReport {
    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1100px;margin:24px auto;padding:0 16px}
    h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
    .sub{color:#555;margin:0 0 16px}.partial{background:#fff3cd;border:1px solid #e0c36b;padding:8px 12px;border-radius:4px}
    table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:6px 8px;border-bottom:1px solid #e5e5e5;text-align:right;vertical-align:top}
    th:first-child,td:first-child{text-align:left}th{background:#f6f6f6;font-weight:600}
    td .ci{display:block;color:#666;font-size:12px}td.best{background:#e8f4ea;font-weight:600}
    .up,.down{font-size:12px}.up{color:#1a7f37}.down{color:#b42318}.ns{color:#888;font-size:12px}
    ul.findings li{margin:4px 0}figure{margin:12px 0 20px;break-inside:avoid}figcaption{font-weight:600;margin-bottom:4px}
    figure>svg{width:100%;height:auto;max-width:760px;display:block}.legend span{margin-right:14px;font-size:12px;white-space:nowrap}.legend svg{width:14px;height:10px;display:inline-block;vertical-align:middle}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:8px 24px}
    footer{margin-top:32px;padding-top:8px;border-top:1px solid #ddd;color:#555;font-size:12px}code{font-size:12px}
    @media print{body{margin:0;max-width:none}.grid{display:block}h2{break-after:avoid}}
    """

    /// The page up to the opening `<body>`: charset, viewport, a CSP that allows no script and
    /// no network, the title and the shared style.
    static func head(title: String) -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        return h + "<title>\(escape(title))</title><style>\(style)</style></head><body>\n"
    }

    public static func render(_ data: ReportData) -> String {
        var h = head(title: "\(data.scenario) — CollectSim report")
        h += "<h1>\(escape(data.scenario))</h1>"
        h += "<p class=\"sub\">\(counted(data.strategies.count, "strategy", "strategies")) against the baseline <b>\(escape(data.baseline))</b> · \(counted(data.replications, "replication")) × \(escape(data.accountsPhrase)) × \(counted(data.horizonDays, "day")) · common random numbers · 95% confidence intervals</p>\n"
        if data.partial {
            h += "<p class=\"partial\">Partial run: it was stopped after \(counted(data.replications, "replication")). Finish it with <code>collectsim run --resume</code> on this folder.</p>\n"
        }
        h += "<h2>Verdict</h2><ul class=\"findings\">"
        for s in ReportContent.verdictSentences(data) { h += "<li>\(escape(s))</li>" }
        h += "</ul>\n"
        h += headline(data)
        h += "<h2>Findings</h2><ul class=\"findings\">"
        for s in ReportContent.sentences(data) { h += "<li>\(escape(s))</li>" }
        h += "</ul>\n"
        h += charts(data)
        h += "<h2>Strategies</h2><table><tbody>"
        for s in data.strategies {
            h += "<tr><td>\(escape(s))\(s == data.baseline ? " <span class=\"ns\">(baseline)</span>" : "")</td><td style=\"text-align:left\">\(escape(data.descriptions[s] ?? ""))"
            if let rules = data.rules[s], !rules.isEmpty {
                h += "<details><summary class=\"ns\">Rules (the first that matches decides)</summary><pre style=\"font-size:12px;white-space:pre-wrap\">\(escape(rules))</pre></details>"
            }
            h += "</td></tr>"
        }
        h += "</tbody></table>\n"
        h += "<h2>Glossary</h2><table><thead><tr><th>Metric or curve</th><th style=\"text-align:left\">Definition</th><th>Better</th></tr></thead><tbody>"
        for g in ReportContent.glossary {
            h += "<tr><td><code>\(escape(g.name))</code></td><td style=\"text-align:left\">\(escape(g.meaning))</td><td>\(escape(g.better))</td></tr>"
        }
        h += "</tbody></table>\n"
        h += "<footer>Scenario <b>\(escape(data.scenario))</b> · SHA-256 <code>\(escape(data.scenarioHash))</code> · seed \(escape(data.seed)) · \(counted(data.replications, "replication")) · CollectSim \(escape(data.version)) · \(ReportContent.reportDate())<br>"
        h += "Reproduce from this folder: <code>\(escape(ReportContent.reproduceCommand))</code></footer>\n"
        return h + "</body></html>\n"
    }

    static func headline(_ data: ReportData) -> String {
        let best = ReportContent.columns.map { ReportContent.best($0, data) }
        var h = "<h2>Headline</h2><table><thead><tr><th>Strategy</th>"
        for c in ReportContent.columns { h += "<th>\(escape(c.title))<br><span class=\"ns\">\(c.higherIsBetter ? "higher is better" : "lower is better")</span></th>" }
        h += "</tr></thead><tbody>"
        for s in data.strategies {
            h += "<tr><td>\(escape(s))\(s == data.baseline ? " <span class=\"ns\">(baseline)</span>" : "")</td>"
            for (i, c) in ReportContent.columns.enumerated() {
                guard let e = data.estimate(c.metric, s) else { h += "<td>–</td>"; continue }
                var mark = ""
                if s != data.baseline, let d = data.difference(c.metric, s) {
                    if d.isSignificant {
                        let good = (d.diff > 0) == c.higherIsBetter
                        mark = " <span class=\"\(good ? "up" : "down")\" title=\"significant difference from the baseline\">\(d.diff > 0 ? "▲" : "▼")</span>"
                    } else {
                        mark = " <span class=\"ns\" title=\"not significantly different from the baseline\">n.s.</span>"
                    }
                }
                h += "<td\(best[i] == s ? " class=\"best\"" : "")>\(escape(ReportContent.value(e.mean, c.metric)))\(mark)"
                h += e.low.isFinite ? "<span class=\"ci\">\(escape(ReportContent.value(e.low, c.metric, scale: e.mean))) – \(escape(ReportContent.value(e.high, c.metric, scale: e.mean)))</span></td>"
                                    : "<span class=\"ci\">no interval (1 replication)</span></td>"
            }
            h += "</tr>"
        }
        h += "</tbody></table><p class=\"ns\">Green cell: best value in its column. ▲/▼: significant paired difference from the baseline (p &lt; 0.05; green when it is an improvement); n.s.: not significant. Small grey figures: 95% CI.</p>\n"
        h += "<p class=\"ns\">\(escape(ReportContent.columnNotes))</p>\n"
        return h
    }

    static func charts(_ data: ReportData) -> String {
        func series(_ curve: String, scale: Double) -> [(String, [(Double, Double, Double, Double)])] {
            data.strategies.map { s in
                (s, (data.curves[s]?[curve] ?? []).map { (Double($0.0), $0.1.mean * scale, $0.1.low * scale, $0.1.high * scale) })
            }
        }
        let percent: (Double) -> String = { String(format: "%.0f%%", $0) }
        var h = "<h2>Over time</h2><div class=\"grid\">"
        h += SVGChart.lines(title: "Default: share of accounts that reached default", xLabel: "day", yLabel: "% of accounts",
                            series: series("default", scale: 100), yFormat: percent)
        h += SVGChart.lines(title: "Recovery: collected as a share of the balance at entry", xLabel: "day", yLabel: "% of balance",
                            series: series("recovery", scale: 100), yFormat: percent)
        h += SVGChart.lines(title: "Complaints per 1,000 accounts, cumulative", xLabel: "day", yLabel: "complaints per 1,000",
                            series: series("complaints", scale: 1), yFormat: { String(format: "%g", $0) })
        h += SVGChart.lines(title: "Cures: share of accounts cured at least once", xLabel: "day", yLabel: "% of accounts",
                            series: series("cure", scale: 100), yFormat: percent)
        h += "</div><p class=\"ns\">Cures: \(escape(ReportContent.cureSteps))</p><h2>Net recovery against complaints</h2>"
        let points = data.strategies.compactMap { s -> (String, ReportData.Estimate, ReportData.Estimate)? in
            guard let c = data.estimate("complaints_per_1000", s), let r = data.estimate("net_recovery_rate", s) else { return nil }
            return (s, c, r)
        }
        h += SVGChart.tradeoff(title: "Ringed: Pareto-efficient (no strategy has both more net recovery and fewer complaints)",
                               points: points, efficient: Set(ReportContent.paretoEfficient(data)),
                               xLabel: "complaints per 1,000 accounts", yLabel: "net recovery rate")
        let segments = data.groups.filter { !ReportGroups.isReserved($0) }
        let grades = data.groups.filter(ReportGroups.grades.contains)
        // Accounts already in default at entry are all "defaulted": their 100% bar says nothing.
        let stages = data.groups.filter { ReportGroups.stages.contains($0) && $0 != EntryStage.defaulted.name }
        let pct: (Double) -> String = { String(format: "%.1f%%", $0 * 100) }
        if !data.rollRates.isEmpty {
            h += "<h2>Roll rates</h2><p class=\"ns\">Where accounts in each bucket at the start of a 30-day month are at its end, averaged over the horizon's months (<code>rollrates.csv</code> has each month with its CI).</p><div class=\"grid\">"
            for s in data.strategies {
                h += SVGChart.heatMap(title: s, buckets: data.rollBuckets) { data.rollRates[s]?[$0]?[$1] }
            }
            h += "</div>"
        }
        h += "<h2>Breakdown</h2><div class=\"grid\">"
        h += SVGChart.bars(title: "Recovery rate by segment", categories: segments, strategies: data.strategies,
                           value: { data.estimate("recovery_rate", $0, group: $1) }, format: pct)
        h += SVGChart.bars(title: "Recovery rate by credit grade", categories: grades, strategies: data.strategies,
                           value: { data.estimate("recovery_rate", $0, group: $1) }, format: pct)
        h += SVGChart.bars(title: "Complaints per 1,000 by segment", categories: segments, strategies: data.strategies,
                           value: { data.estimate("complaints_per_1000", $0, group: $1) }, format: { String(format: "%.1f", $0) })
        h += SVGChart.bars(title: "Default rate by stage at entry (accounts not yet in default)", categories: stages, strategies: data.strategies,
                           value: { data.estimate("default_rate", $0, group: $1) }, format: pct)
        return h + "</div>\n"
    }
}
