/// `report.md`: the headline table and the sentences, for pasting into a memo.
public enum MarkdownReport {
    /// Escapes text from a scenario so Markdown shows it literally (no links, emphasis or HTML).
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "|", "~": out += "\\\(c)"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    public static func render(_ data: ReportData) -> String {
        var out = "# \(escape(data.scenario))\n\n"
        if data.partial { out += "**Partial run:** stopped after \(data.replications) replications.\n\n" }
        out += "| Strategy | " + ReportContent.columns.map(\.title).joined(separator: " | ") + " |\n"
        out += "|---|" + ReportContent.columns.map { _ in "---:" }.joined(separator: "|") + "|\n"
        let best = ReportContent.columns.map { ReportContent.best($0, data) }
        for s in data.strategies {
            var cells = [escape(s) + (s == data.baseline ? " (baseline)" : "")]
            for (i, col) in ReportContent.columns.enumerated() {
                guard let e = data.estimate(col.metric, s) else { cells.append("–"); continue }
                var cell = ReportContent.value(e.mean, col.metric)
                if e.low.isFinite { cell += " (\(ReportContent.value(e.low, col.metric))–\(ReportContent.value(e.high, col.metric)))" }
                if let d = data.difference(col.metric, s), d.isSignificant { cell += d.diff > 0 ? " ▲" : " ▼" }
                if best[i] == s { cell = "**\(cell)**" }
                cells.append(cell)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += data.replications < 2 ? "\nEach cell: the mean of one replication, which gives no confidence interval (run at least 2). **Bold**: best in its column. "
                                     : "\nEach cell: mean (95% CI) over \(data.replications) replications. **Bold**: best in its column. "
        out += "▲/▼: significant paired difference from \(escape(data.baseline)) (p < 0.05).\n\n"
        out += escape(ReportContent.columnNotes) + "\n\n"
        for sentence in ReportContent.sentences(data) { out += "- \(escape(sentence))\n" }
        out += "\n"
        for s in data.strategies where !(data.descriptions[s] ?? "").isEmpty {
            out += "- **\(escape(s))**: \(escape(data.descriptions[s] ?? ""))\n"
        }
        out += "\n---\n"
        out += "Scenario `\(data.scenarioHash.prefix(12))` \(escape(data.scenario)) · seed \(data.seed) · \(data.replications) replications × \(escape(data.accountsPhrase)) × \(data.horizonDays) days · CollectSim \(escape(data.version)) · \(ReportContent.reportDate())  \n"
        out += "Reproduce (in this folder): `\(ReportContent.reproduceCommand)`\n"
        return out
    }
}
