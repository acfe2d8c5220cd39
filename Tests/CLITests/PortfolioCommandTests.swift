import Analysis
import Engine
import Foundation
import Scenario
import TestSupport
import XCTest

/// `collectsim portfolio` and a book as a run's population, end to end.
final class PortfolioCommandTests: XCTestCase {
    /// A book written by `collectsim portfolio` from a scenario, run as that scenario's
    /// population, gives the generated run's metrics within their uncertainty.
    ///
    /// The book is one draw of the generated population, so its run estimates the metric given
    /// that draw; the generated run averages over a new draw per replication. Their difference
    /// has variance at most SE_book² + SE_generated² + s², where s² is the generated run's
    /// variance between replications (one population draw's worth, which bounds how far one
    /// draw's conditional mean can sit from the average). The bound checked is 3.29 of those
    /// standard deviations (99.9%, two-sided), for 3 metrics × 4 strategies.
    func testABookWrittenByPortfolioAndReadBackReproducesTheGeneratedRunsMetrics() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenario = dir.appendingPathComponent("generated.yaml")
        try Data("name: generated\nseed: 31\nreplications: 6\npopulation: {size: 8000}\n".utf8).write(to: scenario)
        let written = try TestProcess.run(TestRun.collectsimBinary, ["portfolio", scenario.path, "--out", "book.csv"], in: dir)
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "Wrote 8000 accounts of 'generated' (seed 31) to \(dir.appendingPathComponent("book.csv").path).\n")
        let again = try TestProcess.run(TestRun.collectsimBinary, ["portfolio", scenario.path, "--out", "book.csv"], in: dir)
        XCTAssertEqual(again.status, 73, "an existing file is not overwritten without --force")

        let bookScenario = dir.appendingPathComponent("book.yaml")
        try Data("name: book\nseed: 32\nreplications: 6\npopulation:\n  portfolio: book.csv\n".utf8).write(to: bookScenario)
        let book = Analyzer.analyze(Runner(scenario: try ScenarioLoader.load(path: bookScenario.path)).run())
        let generated = Analyzer.analyze(Runner(scenario: try ScenarioLoader.load(path: scenario.path)).run())
        XCTAssertEqual(book.scenario.population.size, 8000)
        for strategy in generated.strategies {
            for metric in ["recovery_rate", "default_rate", "complaints_per_1000"] {
                let g = try XCTUnwrap(generated.estimate(metric, strategy: strategy)), b = try XCTUnwrap(book.estimate(metric, strategy: strategy))
                let t = 2.571  // t quantile 0.975 at 5 degrees of freedom: the intervals' half-width is t·SE
                let seG = (g.high - g.low) / 2 / t, seB = (b.high - b.low) / 2 / t
                let spread = seG * Double(g.n).squareRoot()
                let bound = 3.29 * (seG * seG + seB * seB + spread * spread).squareRoot()
                XCTAssertLessThanOrEqual(abs(g.mean - b.mean), bound + 1e-12, "\(strategy) \(metric): generated \(g.mean), book \(b.mean)")
            }
        }
    }

    func testABadBookStopsTheRunBeforeAnythingIsWrittenNamingFileLineAndField() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("account_id,segment,grade,balance,overdue,days_past_due,installment,remaining_term\na,salaried,A,100,0,-1,10,oops\n".utf8)
            .write(to: dir.appendingPathComponent("book.csv"))
        try Data("name: book\npopulation:\n  portfolio: book.csv\n".utf8).write(to: dir.appendingPathComponent("s.yaml"))
        let r = try TestProcess.run(TestRun.collectsimBinary, ["run", "s.yaml", "--out", "out", "--quiet"], in: dir,
                                    environment: ["COLLECTSIM_REGISTRY": dir.appendingPathComponent("runs.sqlite").path])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "\(dir.appendingPathComponent("book.csv").path):2:8: error: field 'remaining_term': 'oops': expected a whole number of installments from 0 to 1200\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }
}

extension PortfolioCommandTests {
    /// The same book in another row order gives every account the same outcome, and
    /// accounts.csv names accounts by the lender's ids. The strategy sends messages only, so
    /// no collector queue links an account to its neighbours in the file.
    func testABookInAnotherOrderGivesEachAccountTheSameOutcomeUnderItsOwnId() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "account_id,segment,grade,balance,overdue,days_past_due,installment,remaining_term\n"
        let segments = ["salaried", "self_employed", "low_income"], grades = ["A", "B", "C", "D", "E"]
        let rows = (0..<600).map { i -> String in
            let dpd = i % 3 == 0 ? -(i % 20) : 1 + (i * 7) % 150
            let overdue = dpd > 0 ? "\(50 + i % 400)" : "0"
            return "acct-\(i),\(segments[i % 3]),\(grades[(i / 3) % 5]),\(1000 + i * 13),\(overdue),\(dpd),\(100 + i % 50),\(6 + i % 30)\n"
        }
        try Data((header + rows.joined()).utf8).write(to: dir.appendingPathComponent("a.csv"))
        try Data((header + rows.reversed().joined()).utf8).write(to: dir.appendingPathComponent("b.csv"))
        var results: [[String: String]] = []
        for name in ["a", "b"] {
            let yaml = """
            name: order-\(name)
            seed: 5
            replications: 2
            horizon_days: 120
            population: {portfolio: \(name).csv}
            strategies:
              texts:
                rules:
                  - when: {dpd: [1, null]}
                    do: [{action: sms, every_days: 5}]
            output: {export_accounts: true}
            """
            try Data(yaml.utf8).write(to: dir.appendingPathComponent("\(name).yaml"))
            let r = try TestProcess.run(TestRun.collectsimBinary, ["run", "\(name).yaml", "--out", name, "--quiet"], in: dir,
                                        environment: ["COLLECTSIM_REGISTRY": dir.appendingPathComponent("runs.sqlite").path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try String(contentsOf: dir.appendingPathComponent("\(name)/accounts.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map(String.init)
            XCTAssertEqual(lines.count, 2 * 600)
            // strategy,replication,account,… keyed by (replication, account id).
            var byAccount: [String: String] = [:]
            for l in lines {
                let f = l.split(separator: ",", maxSplits: 3).map(String.init)
                byAccount[f[1] + "/" + f[2]] = f[3]
            }
            XCTAssertEqual(Set(byAccount.keys.map { String($0.split(separator: "/")[1]) }), Set((0..<600).map { "acct-\($0)" }))
            results.append(byAccount)
        }
        XCTAssertEqual(results[0], results[1])
    }
}

extension PortfolioCommandTests {
    /// A stratified sample estimates the whole book: its metrics agree with the whole book's
    /// run within 3.29 standard deviations of the difference (99.9%, two-sided; 3 metrics × 4
    /// strategies). The two runs share the sampled accounts and their draws, so their estimates
    /// are positively correlated and SE_whole² + SE_sample² bounds the difference's variance from
    /// above. The report says it is a sample, of how many accounts of which file.
    func testAStratifiedSampleEstimatesTheWholeBookAndTheReportSaysSo() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("name: generated\nseed: 41\npopulation: {size: 20000}\n".utf8).write(to: dir.appendingPathComponent("g.yaml"))
        let written = try TestProcess.run(TestRun.collectsimBinary, ["portfolio", "g.yaml", "--out", "book.csv"], in: dir)
        XCTAssertEqual(written.status, 0, written.stderr)
        var estimates: [AnalysisResult] = []
        for (name, sample) in [("whole", ""), ("sample", "  sample: 5000\n")] {
            let yaml = "name: \(name)\nseed: 42\nreplications: 6\npopulation:\n  portfolio: book.csv\n" + sample
            let file = dir.appendingPathComponent("\(name).yaml")
            try Data(yaml.utf8).write(to: file)
            estimates.append(Analyzer.analyze(Runner(scenario: try ScenarioLoader.load(path: file.path)).run()))
        }
        let (whole, sample) = (estimates[0], estimates[1])
        XCTAssertEqual(sample.scenario.population.size, 5000)
        let t = 2.571  // t quantile 0.975 at 5 degrees of freedom: the intervals' half-width is t·SE
        for strategy in whole.strategies {
            for metric in ["recovery_rate", "default_rate", "complaints_per_1000"] {
                let w = try XCTUnwrap(whole.estimate(metric, strategy: strategy)), s = try XCTUnwrap(sample.estimate(metric, strategy: strategy))
                let seW = (w.high - w.low) / 2 / t, seS = (s.high - s.low) / 2 / t
                XCTAssertLessThanOrEqual(abs(w.mean - s.mean), 3.29 * (seW * seW + seS * seS).squareRoot() + 1e-12,
                                         "\(strategy) \(metric): whole book \(w.mean), sample \(s.mean)")
            }
        }

        let run = try TestProcess.run(TestRun.collectsimBinary, ["run", "sample.yaml", "--replications", "2", "--out", "out", "--quiet",
                                                                 "--export-accounts"], in: dir,
                                      environment: ["COLLECTSIM_REGISTRY": dir.appendingPathComponent("runs.sqlite").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("2 replications × a stratified sample of 5000 of the 20000 accounts of book.csv"), "the run says so as it starts: \(run.stdout)")
        let report = try String(contentsOf: dir.appendingPathComponent("out/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("2 replications × a stratified sample of 5000 of the 20000 accounts of book.csv (segment × grade × DPD bucket, "),
                      report)
        let resolved = try String(contentsOf: dir.appendingPathComponent("out/scenario.resolved.yaml"), encoding: .utf8)
        XCTAssertTrue(resolved.contains("\n  sample: 5000\n"), "the resolved scenario keeps the sample, so --resume and shards run the same accounts")
        // accounts.csv names the sampled accounts by their ids, each once.
        let accounts = try String(contentsOf: dir.appendingPathComponent("out/accounts.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let idColumn = 2  // strategy, replication, account, …
        let ids = Set(accounts.map { String($0[idColumn]) })
        XCTAssertEqual(ids.count, 5000, "distinct accounts in accounts.csv")
        XCTAssertTrue(ids.allSatisfy { $0.hasPrefix("A") && $0.count == 9 }, "lender ids such as A00012345")
    }
}

