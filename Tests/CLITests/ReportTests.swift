import Foundation
import TestSupport
import XCTest

/// report.html and report.md: content, escaping, self-containment, rebuild, and a real browser.
final class ReportTests: XCTestCase {
    var binary: URL { TestRun.collectsimBinary }

    /// Runs a program with the reports' date fixed.
    func run(_ executable: URL, _ args: [String]) throws -> ProcessOutput {
        try TestProcess.run(executable, args, environment: TestProcess.reproducibleDate)
    }

    /// A small run whose strategy name and description are hostile markup.
    func hostileRun() throws -> URL {
        let dir = TestRun.temporaryDirectory()
        let scenario = dir.appendingPathComponent("xss.yaml")
        try """
        name: "report <b>check</b>"
        seed: 3
        replications: 3
        horizon_days: 60
        population: {size: 3000}
        strategies:
          "<script>alert(1)</script>":
            description: "<img src=x onerror=alert(2)> | *bold* [link](http://evil.example)"
            rules: [{when: {dpd: [1, null]}, do: [{action: call, every_days: 2}]}]
          gentle: builtin
        baseline: gentle
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try run(binary, ["run", scenario.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func testScenarioStringsAreEscapedInHTMLAndMarkdown() throws {
        let out = try hostileRun()
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script"), "a script element reached the page")
        XCTAssertFalse(html.contains("<img"), "an img element reached the page")
        XCTAssertFalse(html.contains("<b>check"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertFalse(md.contains("<script") || md.contains("<img"))
        XCTAssertTrue(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(md.contains("\\[link\\](http://evil.example)"), "a Markdown link survived unescaped")
        XCTAssertTrue(md.contains("\\*bold\\*"))
    }

    func testReportIsSelfContainedAndHasTableFindingsChartsAndFooter() throws {
        let out = try hostileRun()
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        // Nothing in any tag or in the style sheet may load a resource (text may mention URLs).
        let tags = try NSRegularExpression(pattern: "<[a-zA-Z][^>]*>").matches(in: html, range: NSRange(html.startIndex..., in: html))
            .map { String(html[Range($0.range, in: html)!]) }
        XCTAssertGreaterThan(tags.count, 100)
        for tag in tags {
            let lower = tag.lowercased()
            for forbidden in [" src=", " href=", "url(", "<link", "<script", "<iframe", "<object", "<img", "<embed"] {
                XCTAssertFalse(lower.contains(forbidden), "\(tag) would load something")
            }
            let withoutNamespace = lower.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            XCTAssertFalse(withoutNamespace.contains("http:") || withoutNamespace.contains("https:"), tag)
        }
        let style = try XCTUnwrap(html.range(of: "<style>").flatMap { start in html.range(of: "</style>").map { html[start.upperBound..<$0.lowerBound] } })
        XCTAssertFalse(style.contains("url(") || style.contains("@import"))
        for title in ["Cash recovered / balance", "Overdue recovered (催回率)", "Net recovery", "Complaints / 1,000", "Default rate",
                      "Charge-off rate", "Cost per unit recovered", "Satisfaction score (0–1)"] {
            XCTAssertTrue(html.contains(title), title)
        }
        XCTAssertTrue(html.contains("it is not a share of satisfied borrowers"), "what the score columns mean")
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<svg viewBox").count - 1, 9, "charts")
        XCTAssertTrue(html.contains("Pareto-efficient"))
        XCTAssertTrue(html.contains("recovers"), "generated sentences")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        let hash = try XCTUnwrap(summary.split(separator: "\"").first { $0.count == 64 })
        XCTAssertTrue(html.contains(String(hash)) && html.contains("seed 3") && html.contains("2026-11-18"), "footer")
        XCTAssertTrue(html.contains("collectsim run scenario.resolved.yaml"))
    }

    /// One replication has no confidence interval: the table, the reports and the findings say
    /// so rather than print a zero-width one (issue 28, item 17), and no "nan" reaches a file.
    func testOneReplicationPrintsNoIntervalAndSaysWhy() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("one")
        let r = try TestProcess.run(binary, ["run", "--replications", "1", "--population", "2000", "--out", out.path, "--quiet"],
                                    environment: ["COLLECTSIM_REGISTRY": dir.appendingPathComponent("r.sqlite").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("No confidence intervals: one replication shows no spread (run at least 2)."), r.stdout)
        XCTAssertFalse(r.stdout.contains("±"), r.stdout)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("which gives no confidence interval"), md)
        XCTAssertTrue(md.contains("in one replication, which cannot tell a difference from noise"), md)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("no interval (1 replication)"))
        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("\n") && metrics.split(separator: "\n")[1].hasSuffix(",,,1"), "ci_low and ci_high are empty: \(metrics.prefix(200))")
        for name in ["report.md", "report.html", "metrics.csv", "comparison.csv", "curves.csv", "summary.json"] {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            XCTAssertNil(text.range(of: #"\bnan\b"#, options: [.regularExpression, .caseInsensitive]), "\(name) shows a nan")
        }
    }

    /// Counts of one are said in the singular everywhere a count is stated (issue 27, item 20).
    func testACountOfOneIsSaidInTheSingular() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = dir.appendingPathComponent("one.yaml")
        try "name: one\nreplications: 1\nhorizon_days: 30\npopulation: {size: 500}\nstrategies: [graded]\n".write(to: s, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("one")
        let r = try TestProcess.run(binary, ["run", s.path, "--threads", "1", "--out", out.path, "--quiet"],
                                    environment: ["COLLECTSIM_REGISTRY": dir.appendingPathComponent("r.sqlite").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("seed 20261123, 1 replication × 500 accounts × 30 days"), r.stdout)
        XCTAssertTrue(r.stdout.contains(" on 1 thread)."), r.stdout)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains(">1 strategy against the baseline"), "report header")
        XCTAssertTrue(html.contains(" · 1 replication × 500 accounts × 30 days"), "report header")
        let v = try TestProcess.run(binary, ["validate", s.path])
        XCTAssertTrue(v.stdout.contains("1 strategy (graded), baseline graded, 1 replication × 500 accounts × 30 days"), v.stdout)
        for text in [r.stdout, html, try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8), v.stdout] {
            XCTAssertNil(text.range(of: #"\b1 (strategies|replications|threads)\b"#, options: .regularExpression), text)
        }
    }

    /// The verdict leads both reports: the best strategy on the scenario's objective under its
    /// complaints cap, each strategy's probability of being best, and the efficient set on net
    /// recovery; its per-replication values are in replications.csv.
    func testTheVerdictNamesTheBestStrategyUnderTheCapWithProbabilities() throws {
        let dir = TestRun.temporaryDirectory()
        let scenario = dir.appendingPathComponent("verdict.yaml")
        try """
        name: verdict-check
        seed: 4
        replications: 3
        horizon_days: 90
        population: {size: 3000}
        strategies: [gentle, strict, graded]
        verdict: {objective: recovery_rate, complaints_cap: 1}
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try run(binary, ["run", scenario.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        let verdict = try XCTUnwrap(md.components(separatedBy: "## Verdict\n\n").dropFirst().first?.components(separatedBy: "\n\n").first)
        XCTAssertTrue(verdict.contains("- Best on cash recovered / balance among strategies with at most 1.000 complaints per 1,000 accounts: "), verdict)
        XCTAssertFalse(verdict.contains("balance among strategies with at most 1.000 complaints per 1,000 accounts: strict"), "strict makes far more complaints than the cap: \(verdict)")
        XCTAssertTrue(verdict.contains("- Probability of being best, from the 3 paired replications: "), verdict)
        XCTAssertTrue(verdict.contains("- Efficient on net recovery against complaints"), verdict)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<h2>Verdict</h2>") && html.range(of: "<h2>Verdict</h2>")!.lowerBound < html.range(of: "<h2>Headline</h2>")!.lowerBound)
        // Per-replication values: one row per strategy, replication and metric.
        let rows = try String(contentsOf: out.appendingPathComponent("replications.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "strategy,replication,metric,value")
        let metrics = Set(rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] })
        XCTAssertEqual(rows.count - 1, 3 * 3 * metrics.count)
        XCTAssertTrue(metrics.contains("net_recovery_rate") && metrics.contains("complaints_per_1000"))
        // The mean of each metric's replications is metrics.csv's mean.
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let values = rows.filter { $0.hasPrefix("graded,") && $0.contains(",recovery_rate,") }.map { Double($0.split(separator: ",")[3])! }
        let mean = try XCTUnwrap(csv.split(separator: "\n").first { $0.hasPrefix("graded,all,recovery_rate,") }.map { Double($0.split(separator: ",")[3])! })
        XCTAssertEqual(values.reduce(0, +) / 3, mean, accuracy: 1e-12)
        // A metric the analysis does not know is refused where the file names it.
        try "name: v\nverdict: {objective: net_recovery_rte}\n".write(to: scenario, atomically: true, encoding: .utf8)
        let bad = try run(binary, ["validate", scenario.path])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.contains("verdict.yaml:2:22: error: field 'verdict.objective': unknown metric 'net_recovery_rte'; did you mean 'net_recovery_rate'?"), bad.stderr)
    }

    /// Every metric in the folder and every curve is defined in both reports and the notebook,
    /// with the denominators that make cure_rate differ from the cure curve's end.
    func testTheGlossaryDefinesEveryMetricAndExplainsTheCureCurve() throws {
        let out = try hostileRun()
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let notebook = try String(contentsOf: out.appendingPathComponent("analysis.ipynb"), encoding: .utf8)
        let glossary = try XCTUnwrap(md.components(separatedBy: "## Glossary\n\n").dropFirst().first)
        let metrics = Set(try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[2]) })
        XCTAssertGreaterThan(metrics.count, 20)
        for m in metrics {
            XCTAssertTrue(glossary.contains("- `\(m)`: "), m)
            XCTAssertTrue(html.contains("<code>\(m)</code>"), m)
            XCTAssertTrue(notebook.contains("- `\(m)`: "), m)
        }
        XCTAssertTrue(glossary.contains("- `cure (curve)`: share of all accounts (not only the delinquent ones)"), glossary)
        XCTAssertTrue(glossary.contains("- `cure_rate`: share of accounts delinquent at some point"), glossary)
        // The cure curve's steps are explained where it is charted and defined
        // (`CureCurveStepTests` checks the explanation against the model).
        let steps = "Its steps are installment plans completing: an account on a plan cures when its last installment clears the arrears"
        XCTAssertTrue(glossary.contains(steps), glossary)
        XCTAssertTrue(html.contains("<p class=\"ns\">Cures: " + steps), html)
        XCTAssertTrue(notebook.contains(steps))
    }

    /// Each strategy's rules sit beside its description, and the stage-at-entry chart leaves
    /// out accounts already in default at entry, whose default rate is 100% by definition.
    func testStrategiesShowTheirRulesAndTheTrivialDefaultBarIsGone() throws {
        let out = try hostileRun()
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<details><summary class=\"ns\">Rules (the first that matches decides)</summary>").count - 1, 2, "one per strategy")
        XCTAssertTrue(html.contains("- when: {dpd: [1, null]}"), "the hostile strategy's own rule")
        XCTAssertTrue(md.contains("\n        - when: {dpd: [1, null]}\n"), md)
        let chart = try XCTUnwrap(html.components(separatedBy: "<figcaption>Default rate by stage at entry (accounts not yet in default)</figcaption>")
            .dropFirst().first?.components(separatedBy: "</figure>").first)
        XCTAssertFalse(chart.contains("entry_defaulted"), chart)
        XCTAssertTrue(chart.contains("entry_delinquent"), chart)
    }

    /// The report charts each strategy's roll rates as a heat map, averaged over the months of
    /// rollrates.csv, and the notebook draws the same.
    func testRollRatesAreChartedAsHeatMapsFromTheFoldersFile() throws {
        let out = try hostileRun()
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let section = try XCTUnwrap(html.components(separatedBy: "<h2>Roll rates</h2>").dropFirst().first?.components(separatedBy: "<h2>").first)
        XCTAssertEqual(section.components(separatedBy: "<figure>").count - 1, 2, "one map per strategy")
        // gentle's current → current share, averaged over the months, is written in its cell.
        let rows = try String(contentsOf: out.appendingPathComponent("rollrates.csv"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let stay = rows.filter { $0[0] == "gentle" && $0[2] == "current" && $0[3] == "current" }.map { Double($0[4])! }
        XCTAssertEqual(stay.count, 2, "two 30-day months in 60 days")
        let mean = stay.reduce(0, +) / Double(stay.count)
        let gentle = try XCTUnwrap(section.components(separatedBy: "<figcaption>gentle</figcaption>").dropFirst().first)
        XCTAssertTrue(gentle.contains(">\(String(format: mean >= 0.1 ? "%.0f%%" : "%.1f%%", mean * 100))</text>"), gentle)
        let notebook = try String(contentsOf: out.appendingPathComponent("analysis.ipynb"), encoding: .utf8)
        XCTAssertTrue(notebook.contains("rollrates.csv"))
    }

    func testReportCommandRebuildsTheSameBytes() throws {
        let out = try hostileRun()
        let html = try Data(contentsOf: out.appendingPathComponent("report.html"))
        let md = try Data(contentsOf: out.appendingPathComponent("report.md"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("report.html"))
        let rebuilt = try run(binary, ["report", out.path])
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("report.html")), html)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("report.md")), md)
        let bad = try run(binary, ["report", out.deletingLastPathComponent().path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not a complete run folder"), bad.stderr)
    }

    /// Opens the report in real headless Chromium: no console errors (the page's CSP also turns
    /// any attempted network load into one), a non-empty page, and a screenshot.
    func testReportRendersInHeadlessChromiumWithoutConsoleErrors() throws {
        let chromium = try Self.chromium()
        let out = try hostileRun()
        let page = out.appendingPathComponent("report.html")
        let shot = out.appendingPathComponent("report.png")
        let shotRun = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                         "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
                                         "--screenshot=\(shot.path)", page.absoluteString])
        XCTAssertEqual(shotRun.status, 0, shotRun.stderr)
        let consoleErrors = shotRun.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Content Security Policy") || $0.contains("Uncaught") }
        XCTAssertEqual(consoleErrors, [], "console errors")
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertGreaterThan(png.count, 40_000, "a near-empty screenshot")
        let dom = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.absoluteString]).stdout
        XCTAssertTrue(dom.contains("<table") && dom.contains("<svg"), "the rendered page lost its table or charts")
    }

    /// Debian's chromium, installed when missing; the test is skipped, saying why, only where
    /// it cannot be installed.
    static func chromium() throws -> URL {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let install = try TestProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "command -v apt-get >/dev/null && (apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)) >/dev/null 2>&1"],
            environment: ["DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            print("SKIPPED: Chromium is not installed and `apt-get install chromium` failed (status \(install.status)) on this machine")
            throw XCTSkip("Chromium is not installed and could not be installed with apt-get")
        }
        return URL(fileURLWithPath: "/usr/bin/chromium")
    }
}
