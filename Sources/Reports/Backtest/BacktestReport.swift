import Analysis
import CollectionsModel
import Experiments
import Foundation
import Storage
import Scenario

/// The files of a backtest folder: `backtest.csv` (every aggregate, observed and simulated
/// side by side with 95% intervals), `fit.csv` (the χ² of each family), `report.md` and
/// `report.html` (a chart per curve, a table per roll-rate matrix coloured by how far the
/// model is from the book, the χ² summary).
public enum BacktestReport {
    public static func write(_ o: Backtest.Outcome, to dir: URL) throws {
        try AtomicFile.write(csv(o), to: dir.appendingPathComponent("backtest.csv"))
        try AtomicFile.write(fitCSV(o), to: dir.appendingPathComponent("fit.csv"))
        try AtomicFile.write(markdown(o), to: dir.appendingPathComponent("report.md"))
        try AtomicFile.write(html(o), to: dir.appendingPathComponent("report.html"))
    }

    static let z95 = 1.959964

    public static func csv(_ o: Backtest.Outcome) -> String {
        var out = "strategy,kind,name,period,observed,observed_low,observed_high,simulated,simulated_low,simulated_high,one_book_low,one_book_high,z\n"
        for b in o.books {
            for r in b.rows {
                let t = r.target
                out += "\(CSVRecords.field(b.strategy)),\(t.kind.rawValue),\(t.name),\(t.period),\(CSVRecords.number(t.value)),"
                out += "\(CSVRecords.number(t.value - z95 * t.standardError)),\(CSVRecords.number(t.value + z95 * t.standardError)),"
                out += "\(CSVRecords.number(r.simulated)),\(CSVRecords.number(r.simulated - z95 * r.simulatedError)),\(CSVRecords.number(r.simulated + z95 * r.simulatedError)),"
                out += "\(CSVRecords.number(r.simulated - z95 * r.simulatedSpread)),\(CSVRecords.number(r.simulated + z95 * r.simulatedSpread)),\(CSVRecords.number(r.z))\n"
            }
        }
        return out
    }

    public static func fitCSV(_ o: Backtest.Outcome) -> String {
        var out = "strategy,family,chi_square,dof,p_value\n"
        for block in o.books.flatMap(\.blocks) + [o.total] {
            out += "\(CSVRecords.field(block.strategy)),\(CSVRecords.field(block.name)),\(CSVRecords.number(block.chiSquare)),\(block.degreesOfFreedom),\(CSVRecords.number(block.pValue))\n"
        }
        return out
    }

    /// How a family fits, in words a manager reads at a glance.
    static func verdict(_ b: Backtest.Block) -> String {
        guard b.degreesOfFreedom > 0 else { return "nothing to compare" }
        let p = b.pValue
        if p >= 0.05 { return "agrees with the book" }
        if p >= 0.001 { return "some disagreement" }
        return "the model differs from the book"
    }

    static func p(_ v: Double) -> String { v.isFinite ? (v < 0.001 ? "< 0.001" : String(format: "%.3f", v)) : "–" }
    static func percent(_ v: Double) -> String { v.isFinite ? String(format: "%.1f%%", v * 100) : "–" }

    static func header(_ o: Backtest.Outcome) -> String {
        "\(o.scenario.name) on \(ReportData.accountsPhrase(o.scenario))"
            + " against \(URL(fileURLWithPath: o.historyFile).lastPathComponent), \(counted(o.months, "month")) · \(counted(o.replications, "replication"))"
    }

    /// The aggregates furthest from the book, by |z|.
    static func worst(_ b: Backtest.BookResult, _ count: Int) -> [Backtest.Row] {
        Array(b.rows.filter { $0.z.isFinite }.sorted { abs($0.z) > abs($1.z) }.prefix(count))
    }

    public static func markdown(_ o: Backtest.Outcome) -> String {
        var out = "# Backtest: \(header(o))\n\n"
        let total = o.total
        out += "Overall: χ² = \(String(format: "%.1f", total.chiSquare)) on \(total.degreesOfFreedom) degrees of freedom (p \(p(total.pValue))): \(verdict(total)).\n\n"
        for b in o.books {
            out += "## \(b.strategy)\n\n| family | χ² | dof | p | verdict |\n|---|---:|---:|---:|---|\n"
            for block in b.blocks {
                out += "| \(block.name) | \(String(format: "%.1f", block.chiSquare)) | \(block.degreesOfFreedom) | \(p(block.pValue)) | \(verdict(block)) |\n"
            }
            out += "\n### Curves at month ends (observed · simulated, 95% intervals)\n\n| month | recovery | cured | defaulted |\n|---:|---|---|---|\n"
            for m in 1...o.months {
                let cells = [("curve", CurveKind.collected.name, 30 * m), ("month_end", "cure", m), ("month_end", "default", m)].map { kind, name, period in
                    b.rows.first { $0.target.kind.rawValue == kind && $0.target.name == name && $0.target.period == period }.map {
                        "\(percent($0.target.value)) ± \(percent(z95 * $0.target.standardError)) · \(percent($0.simulated)) ± \(percent(z95 * $0.simulatedError))"
                    } ?? "–"
                }
                out += "| \(m) | \(cells.joined(separator: " | ")) |\n"
            }
            out += "\n### Roll rates over all months (observed · simulated)\n\n" + rollTable(b, months: o.months, html: false)
            out += "\n### Furthest from the book\n\n| aggregate | observed | simulated | z |\n|---|---:|---:|---:|\n"
            for r in worst(b, 10) {
                out += "| \(r.target.label) | \(String(format: "%.4f", r.target.value)) | \(String(format: "%.4f", r.simulated)) | \(String(format: "%+.1f", r.z)) |\n"
            }
            out += "\n"
        }
        out += "Observed: one book, with its sampling error. Simulated: the mean of \(counted(o.replications, "replication")) of the same book, with its error; "
        out += "backtest.csv also gives the range one simulated book spans. Roll rates and χ² as docs/portfolio.md (\"Backtests\") defines them.\n"
        return out
    }

    /// The roll-rate matrix pooled over months: moves observed over moves expected from the
    /// simulated rates, each cell `observed · simulated` share of its row.
    static func rollTable(_ b: Backtest.BookResult, months: Int, html: Bool) -> String {
        let names = Tally.rollBuckets, k = names.count
        var observed = Array(repeating: 0.0, count: k * k), expected = observed
        for m in 1...months {
            for from in 0..<k {
                let n = b.observation.rollRow(month: m, from: from)
                for to in 0..<k {
                    observed[from * k + to] += b.observation.roll(month: m, from: from, to: to)
                    expected[from * k + to] += n * b.simulatedRolls[m - 1][from * k + to]
                }
            }
        }
        var out = html ? "<table class=\"heat\"><thead><tr><th>from \\ to</th>" + names.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
                       : "| from \\ to | " + names.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: k) + "\n"
        for from in 0..<(k - 1) {
            let n = (0..<k).reduce(0) { $0 + observed[from * k + $1] }
            guard n > 0 else { continue }
            out += html ? "<tr><th>\(names[from])</th>" : "| \(names[from]) |"
            for to in 0..<k {
                let o = observed[from * k + to] / n, e = expected[from * k + to] / n
                // The cell's z under a binomial with the simulated share.
                let z = e > 0 && e < 1 ? (o - e) / (e * (1 - e) / n).squareRoot() : (o == e ? 0 : 9)
                let text = o == 0 && e == 0 ? "·" : "\(percent(o)) · \(percent(e))"
                if html {
                    let strength = min(abs(z) / 6, 1)
                    let colour = z > 0 ? "rgba(214,96,77,\(String(format: "%.2f", strength)))" : "rgba(67,147,195,\(String(format: "%.2f", strength)))"
                    out += "<td style=\"background:\(colour)\" title=\"z = \(String(format: "%+.1f", z))\">\(text)</td>"
                } else {
                    out += " \(text) |"
                }
            }
            out += html ? "</tr>" : "\n"
        }
        return out + (html ? "</tbody></table>" : "")
    }

    public static func html(_ o: Backtest.Outcome) -> String {
        var h = HTMLReport.head(title: "Backtest: \(o.scenario.name) — CollectSim")
        h += "<h1>Backtest: \(HTMLReport.escape(o.scenario.name))</h1><p class=\"sub\">\(HTMLReport.escape(header(o))) · 95% intervals</p>\n"
        let total = o.total
        h += "<p><b>\(HTMLReport.escape(verdict(total).prefix(1).uppercased() + verdict(total).dropFirst()))</b>: χ² = \(String(format: "%.1f", total.chiSquare)) on \(total.degreesOfFreedom) degrees of freedom (p \(p(total.pValue))).</p>\n"
        for b in o.books {
            h += "<h2>\(HTMLReport.escape(b.strategy))</h2><table><thead><tr><th>family</th><th>χ²</th><th>dof</th><th>p</th><th>verdict</th></tr></thead><tbody>"
            for block in b.blocks {
                h += "<tr><td>\(HTMLReport.escape(block.name))</td><td>\(String(format: "%.1f", block.chiSquare))</td><td>\(block.degreesOfFreedom)</td><td>\(p(block.pValue))</td><td style=\"text-align:left\">\(verdict(block))</td></tr>"
            }
            h += "</tbody></table><div class=\"grid\">"
            func series(_ kind: String, _ name: String, period: (Int) -> Int) -> [(String, [(Double, Double, Double, Double)])] {
                let rows = (1...o.months).compactMap { m in b.rows.first { $0.target.kind.rawValue == kind && $0.target.name == name && $0.target.period == period(m) }.map { (m, $0) } }
                return [("observed", rows.map { (Double($0.0), $0.1.target.value * 100, ($0.1.target.value - z95 * $0.1.target.standardError) * 100, ($0.1.target.value + z95 * $0.1.target.standardError) * 100) }),
                        ("simulated", rows.map { (Double($0.0), $0.1.simulated * 100, ($0.1.simulated - z95 * $0.1.simulatedError) * 100, ($0.1.simulated + z95 * $0.1.simulatedError) * 100) })]
            }
            let pct: (Double) -> String = { String(format: "%.0f%%", $0) }
            h += SVGChart.lines(title: "Recovery: paid since month 0 as a share of the balance then", xLabel: "month", yLabel: "% of balance",
                                series: series("curve", CurveKind.collected.name) { 30 * $0 }, yFormat: pct)
            h += SVGChart.lines(title: "Cured: seen current or settled at a month end after being seen delinquent", xLabel: "month", yLabel: "% of accounts",
                                series: series("month_end", "cure") { $0 }, yFormat: pct)
            h += SVGChart.lines(title: "Defaulted: seen 90+ days past due or charged off at a month end", xLabel: "month", yLabel: "% of accounts",
                                series: series("month_end", "default") { $0 }, yFormat: pct)
            h += "</div><h3>Roll rates over all months</h3><p class=\"sub\">Each cell: observed · simulated share of the row's accounts; red where the book moves there more often than the model, blue less.</p>"
            h += rollTable(b, months: o.months, html: true)
            h += "<h3>Furthest from the book</h3><table><thead><tr><th>aggregate</th><th>observed</th><th>simulated</th><th>z</th></tr></thead><tbody>"
            for r in worst(b, 10) {
                h += "<tr><td>\(HTMLReport.escape(r.target.label))</td><td>\(String(format: "%.4f", r.target.value))</td><td>\(String(format: "%.4f", r.simulated))</td><td>\(String(format: "%+.1f", r.z))</td></tr>"
            }
            h += "</tbody></table>\n"
        }
        h += "<footer>Scenario <b>\(HTMLReport.escape(o.scenario.name))</b> · seed \(o.scenario.seed) · \(counted(o.replications, "replication")) · CollectSim \(HTMLReport.escape(RunWriter.version))</footer>\n"
        return h + "</body></html>\n"
    }
}
