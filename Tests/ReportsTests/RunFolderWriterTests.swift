import Analysis
import CollectionsModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reports
import TestSupport
import XCTest

/// What `RunWriter.write` puts in a run folder, file by file: each CSV has one row per thing it
/// reports and its numbers hang together; each chart of the HTML report is well-formed SVG; each
/// Markdown table is rectangular; the notebook is nbformat 4 and reads only its folder's files.
final class RunFolderWriterTests: XCTestCase {
    static let horizon = 60
    static let yaml = """
    name: writers
    seed: 5
    replications: 3
    horizon_days: \(horizon)
    population: {size: 3000}
    strategies: [gentle, graded]
    """

    /// One run, written once for every test of the class.
    nonisolated(unsafe) static var written: (folder: URL, analysis: AnalysisResult)?

    func folder() throws -> (URL, AnalysisResult) {
        if let w = Self.written { return w }
        let analysis = Analyzer.analyze(try TestRun.run(Self.yaml, threads: 2))
        let dir = TestRun.temporaryDirectory()
        try RunWriter.write(analysis, to: dir, identity: RunIdentity(version: RunWriter.version, commandLine: "test", threads: 2))
        Self.written = (dir, analysis)
        return (dir, analysis)
    }

    /// A CSV file's rows as dictionaries keyed by its header.
    func rows(_ name: String) throws -> [[String: String]] {
        let (dir, _) = try folder()
        let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        return lines.map { line in
            XCTAssertEqual(line.count, header.count, "\(name): \(line)")
            return Dictionary(uniqueKeysWithValues: zip(header, line))
        }
    }

    func testMetricsHaveOneRowPerStrategyGroupAndMetricWithTheMeanInsideItsInterval() throws {
        let (_, analysis) = try folder()
        let metrics = try rows("metrics.csv")
        let keys = metrics.map { "\($0["strategy"]!) \($0["segment"]!) \($0["metric"]!)" }
        XCTAssertEqual(Set(keys).count, keys.count, "a metric written twice")
        XCTAssertEqual(Set(metrics.map { $0["segment"]! }), Set(analysis.groups))
        for strategy in ["gentle", "graded"] {
            let all = Set(metrics.filter { $0["strategy"] == strategy && $0["segment"] == "all" }.map { $0["metric"]! })
            XCTAssertEqual(all, Set(Metrics.all.map(\.name)), strategy)
        }
        for row in metrics {
            let mean = Double(row["mean"]!), low = Double(row["ci_low"]!), high = Double(row["ci_high"]!)
            // n counts the replications in which the metric is defined (a plan rate needs a plan
            // offered); the headline metrics of all accounts are defined in all three.
            let n = try XCTUnwrap(Int(row["n"]!))
            XCTAssertTrue((1...3).contains(n), "\(row)")
            if row["segment"] == "all" && Metrics.headline.contains(row["metric"]!) { XCTAssertEqual(n, 3, "\(row)") }
            if n > 1, let mean, let low, let high { XCTAssertTrue(low <= mean && mean <= high, "\(row)") }
            if n == 1 { XCTAssertEqual(row["ci_low"], "", "no interval from one replication: \(row)") }
        }
    }

    func testEveryCurveHasEveryDayOnceAndNeverFalls() throws {
        let curves = try rows("curves.csv")
        for strategy in ["gentle", "graded"] {
            for kind in CurveKind.allCases {
                let points = curves.filter { $0["strategy"] == strategy && $0["curve"] == kind.name }
                XCTAssertEqual(points.map { Int($0["day"]!)! }, Array(1...Self.horizon), "\(strategy) \(kind.name)")
                let means = points.map { Double($0["mean"]!)! }
                // Every curve is cumulative: defaults, charge-offs, cures, collections, complaints.
                for (a, b) in zip(means, means.dropFirst()) { XCTAssertLessThanOrEqual(a, b, "\(strategy) \(kind.name)") }
            }
        }
    }

    func testEachRollRateRowSharesOutTheAccountsOfItsStartingBucket() throws {
        let rolls = try rows("rollrates.csv")
        XCTAssertEqual(Set(rolls.map { $0["to"]! }).subtracting(Tally.rollBuckets), [])
        let months = Tally.rollMonths(horizonDays: Self.horizon)
        var rowsChecked = 0
        for strategy in ["gentle", "graded"] {
            for month in 1...months {
                for from in Tally.rollBuckets {
                    let shares = rolls.filter { $0["strategy"] == strategy && $0["month"] == "\(month)" && $0["from"] == from }
                        .compactMap { Double($0["mean"]!) }
                    guard !shares.isEmpty else { continue }
                    XCTAssertEqual(shares.reduce(0, +), 1, accuracy: 1e-9, "\(strategy) month \(month) from \(from)")
                    rowsChecked += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(rowsChecked, 2 * months * 4)
    }

    func testSummaryNamesTheRunAndHoldsEveryHeadlineMetricAsTheAnalysisHasIt() throws {
        let (dir, analysis) = try folder()
        let data = try Data(contentsOf: dir.appendingPathComponent("summary.json"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["scenario", "scenario_sha256", "seed", "replications", "population", "horizon_days",
                                          "version", "partial", "baseline", "strategies", "headline"])
        // Read back exactly (Foundation's JSONDecoder; its JSONSerialization rounds some doubles).
        let summary = try FolderSummary.read(data)
        XCTAssertEqual(summary.scenario, "writers")
        XCTAssertEqual(summary.seed, 5)
        XCTAssertEqual(summary.replications, 3)
        XCTAssertFalse(summary.partial)
        XCTAssertEqual(summary.strategies, ["gentle", "graded"])
        XCTAssertEqual(summary.baseline, "graded")
        let headline = try XCTUnwrap(summary.headline)
        for strategy in analysis.strategies {
            XCTAssertEqual(Set(headline[strategy]?.keys.map { $0 } ?? []), Set(Metrics.headline), strategy)
            for metric in Metrics.headline {
                let ci = try XCTUnwrap(analysis.estimate(metric, strategy: strategy))
                let written = try XCTUnwrap(headline[strategy]?[metric])
                XCTAssertEqual(written.n, ci.n)
                // A finite figure is written exactly; an undefined one as null.
                XCTAssertEqual(written.mean, ci.mean.isFinite ? ci.mean : nil, "\(strategy) \(metric)")
                XCTAssertEqual(written.ciLow, ci.low.isFinite ? ci.low : nil, "\(strategy) \(metric)")
            }
        }
        // Keys are sorted at every level, so every process writes the same bytes.
        let text = String(decoding: data, as: UTF8.self)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertTrue(text.hasSuffix("}\n"))
    }

    func testEveryChartOfTheHTMLReportIsWellFormedSVG() throws {
        let (dir, _) = try folder()
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        var charts = 0
        var rest = html[...]
        while let start = rest.range(of: "<svg viewBox=") {
            let end = try XCTUnwrap(rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex))
            let svg = String(rest[start.lowerBound..<end.upperBound])
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "chart \(charts + 1): \(parser.parserError.map { "\($0)" } ?? "")\n\(svg.prefix(300))")
            charts += 1
            rest = rest[end.upperBound...]
        }
        // One chart per curve at least, and the trade-off chart.
        XCTAssertGreaterThanOrEqual(charts, CurveKind.allCases.count)
    }

    func testEveryMarkdownTableIsRectangular() throws {
        let (dir, _) = try folder()
        let md = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        /// Cells of a table row, where `\|` is a pipe inside a cell.
        func cells(_ line: Substring) -> Int {
            line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count - 1
        }
        var tables = 0
        var width: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { width = nil; continue }
            if let w = width {
                XCTAssertEqual(cells(line), w, String(line))
            } else {
                width = cells(line)
                tables += 1
            }
        }
        XCTAssertGreaterThanOrEqual(tables, 1)
    }

    /// `scripts/readme-picture.py` draws the README's picture from a run folder: the headline
    /// table of every strategy and the report's default-curve chart, as well-formed SVG. The
    /// README's own picture, drawn by it from the default run, is well-formed too.
    func testTheReadmePictureIsDrawnFromARunFolder() throws {
        let (dir, analysis) = try folder()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let picture = TestRun.temporaryDirectory().appendingPathComponent("picture.svg")
        let r = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", root.appendingPathComponent("scripts/readme-picture.py").path, dir.path, picture.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let svg = try String(contentsOf: picture, encoding: .utf8)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        for strategy in analysis.strategies { XCTAssertTrue(svg.contains(">\(strategy)"), strategy) }
        let recovery = try XCTUnwrap(analysis.estimate("overdue_recovery_rate", strategy: "gentle"))
        XCTAssertTrue(svg.contains(String(format: "%.1f%%", recovery.mean * 100)), "the table shows the run's figures")
        XCTAssertTrue(svg.contains("aria-label=\"Default"), "the report's default-curve chart")
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("](docs/images/default-run.svg)"))
        let shipped = try Data(contentsOf: root.appendingPathComponent("docs/images/default-run.svg"))
        XCTAssertTrue(XMLParser(data: shipped).parse())
    }

    func testTheNotebookIsNbformat4AndReadsOnlyFilesOfItsFolder() throws {
        let (dir, _) = try folder()
        let data = try Data(contentsOf: dir.appendingPathComponent("analysis.ipynb"))
        let notebook = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(notebook["nbformat"] as? Int, 4)
        let cells = try XCTUnwrap(notebook["cells"] as? [[String: Any]])
        let code = cells.filter { $0["cell_type"] as? String == "code" }.flatMap { ($0["source"] as? [String]) ?? [] }.joined()
        XCTAssertFalse(code.isEmpty)
        let named = try NSRegularExpression(pattern: "\"([A-Za-z0-9_.-]+\\.(?:csv|json|yaml))\"")
        let files = named.matches(in: code, range: NSRange(code.startIndex..., in: code)).map { String(code[Range($0.range(at: 1), in: code)!]) }
        XCTAssertFalse(files.isEmpty)
        for file in Set(files) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "the notebook reads \(file), which the folder lacks")
        }
    }
}
