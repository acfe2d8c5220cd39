import Scenario

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

    /// `s` as a Markdown code span, shown literally whatever it holds: the fence is one back-tick
    /// longer than the longest run of back-ticks inside (CommonMark), so a back-tick in a
    /// strategy name cannot close the span early and let the rest render as HTML. In a table
    /// cell (`inTable`) a pipe is escaped too, as GitHub's tables split cells on it even inside
    /// a span; line breaks become spaces.
    public static func code(_ s: String, inTable: Bool = false) -> String {
        var text = s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        if inTable { text = text.replacingOccurrences(of: "|", with: "\\|") }
        var longest = 0, run = 0
        for c in text { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// The glossary as Markdown list items, for the report and the notebook.
    static func glossaryLines() -> [String] {
        ReportContent.glossary.map { g in "- \(code(g.name)): \(escape(g.meaning))\(g.better.isEmpty ? "" : " (\(g.better) is better)")" }
    }

    public static func render(_ data: ReportData) -> String {
        var out = "# \(escape(data.scenario))\n\n"
        if data.partial { out += "**Partial run:** stopped after \(counted(data.replications, "replication")).\n\n" }
        out += "## Verdict\n\n"
        for sentence in ReportContent.verdictSentences(data) { out += "- \(escape(sentence))\n" }
        out += "\n"
        out += "| Strategy | " + ReportContent.columns.map(\.title).joined(separator: " | ") + " |\n"
        out += "|---|" + ReportContent.columns.map { _ in "---:" }.joined(separator: "|") + "|\n"
        let best = ReportContent.columns.map { ReportContent.best($0, data) }
        for s in data.strategies {
            var cells = [escape(s) + (s == data.baseline ? " (baseline)" : "")]
            for (i, col) in ReportContent.columns.enumerated() {
                guard let e = data.estimate(col.metric, s) else { cells.append("–"); continue }
                var cell = ReportContent.value(e.mean, col.metric)
                if e.low.isFinite { cell += " (\(ReportContent.value(e.low, col.metric, scale: e.mean))–\(ReportContent.value(e.high, col.metric, scale: e.mean)))" }
                if let d = data.difference(col.metric, s), d.isSignificant { cell += d.diff > 0 ? " ▲" : " ▼" }
                if best[i] == s { cell = "**\(cell)**" }
                cells.append(cell)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += data.replications < 2 ? "\nEach cell: the mean of one replication, which gives no confidence interval (run at least 2). **Bold**: best in its column. "
                                     : "\nEach cell: mean (95% CI) over \(counted(data.replications, "replication")). **Bold**: best in its column. "
        out += "▲/▼: significant paired difference from \(escape(data.baseline)) (p < 0.05).\n\n"
        out += escape(ReportContent.columnNotes) + "\n\n"
        for sentence in ReportContent.sentences(data) { out += "- \(escape(sentence))\n" }
        out += "\n"
        for s in data.strategies where !(data.descriptions[s] ?? "").isEmpty {
            out += "- **\(escape(s))**: \(escape(data.descriptions[s] ?? ""))\n"
            if let rules = data.rules[s], !rules.isEmpty {
                // Indented code: rules hold no markup, and a fence could be closed by a value.
                out += "\n" + rules.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n") + "\n\n"
            }
        }
        out += "\n## Glossary\n\n" + glossaryLines().map { $0 + "\n" }.joined()
        out += "\n---\n"
        out += "Scenario `\(data.scenarioHash.prefix(12))` \(escape(data.scenario)) · seed \(data.seed) · \(counted(data.replications, "replication")) × \(escape(data.accountsPhrase)) × \(data.horizonDays) days · CollectSim \(escape(data.version)) · \(ReportContent.reportDate())  \n"
        out += "Reproduce (in this folder): \(code(ReportContent.reproduceCommand))\n"
        return out
    }
}
