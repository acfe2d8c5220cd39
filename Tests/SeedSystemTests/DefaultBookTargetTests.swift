import Analysis
import Engine
import Foundation
import Scenario
import Stochastics
import XCTest

/// The default book reproduces the published magnitudes of docs/calibration.md: for every band
/// in `scenarios/calibration/bands.csv`, the 95% CI of the default scenario's output (graded
/// collection, the baseline, at the default size and seed) lies inside the band. Bands marked
/// `current` are measured on the same population with every account current at entry (a
/// performing book), as annual default and charge-off rates are published.
final class DefaultBookTargetTests: XCTestCase {
    static let calibration = SeedSystemTests.scenarios.appendingPathComponent("calibration")

    struct Band {
        let id, book, kind, name, period, group: String
        let low, high: Double
        let line: Int
    }

    static func bands() throws -> [Band] {
        let text = try String(contentsOf: calibration.appendingPathComponent("bands.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(header, ["id", "book", "kind", "name", "period", "group", "low", "high"])
        return try lines.enumerated().dropFirst().map { i, line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c.count == header.count, let low = Double(c[6]), let high = Double(c[7]), low < high else {
                throw ScenarioError(file: "bands.csv", line: i + 1, column: 1, field: "", message: "expected \(header.joined(separator: ",")) with low < high")
            }
            return Band(id: c[0], book: c[1], kind: c[2], name: c[3], period: c[4], group: c[5], low: low, high: high, line: i + 1)
        }
    }

    /// The default scenario with graded collection only (each strategy meets its own copy of
    /// the population, so dropping the others changes none of graded's numbers).
    static func run(book: String) throws -> RunResult {
        try cache.result(for: book) {
            var yaml = "name: default-book-\(book)\nstrategies: [graded]\nbaseline: graded\n"
            if book == "current" { yaml += "population: {delinquent_share: 0}\n" }
            return Runner(scenario: try ScenarioLoader.parse(yaml: yaml, file: "<\(book) book>")).run()
        }
    }

    static let cache = SeedSystemTests.RunCache()

    /// A band's statistic, as calibration computes the same target from one replication's tally.
    static func statistic(_ band: Band, for scenario: Scenario) throws -> Statistic {
        let observed = "kind,name,period,value,std_error,group\n\(band.kind),\(band.name),\(band.period),\((band.low + band.high) / 2),1,\(band.group)\n"
        let target = try ObservedData.parse(observed, file: "bands.csv line \(band.line)", strategy: "graded", strategies: ["graded"],
                                            groups: Analyzer.groupNames(scenario), horizon: scenario.horizonDays)[0]
        return target.statistic(horizon: scenario.horizonDays)
    }

    /// The Student-t 95% interval of a band's statistic over the run's replications.
    static func interval(_ band: Band, in run: RunResult) throws -> ConfidenceInterval {
        let statistic = try statistic(band, for: run.scenario)
        var m = Moments()
        for tally in run.tallies[0] { m.add(statistic.value(tally)) }
        return ConfidenceInterval(m)
    }

    func testEveryOutputOfTheDefaultBookLiesInsideItsPublishedBand() throws {
        let bands = try Self.bands()
        XCTAssertEqual(Set(bands.map(\.id)), ["T1", "T2", "T3", "T4", "T5", "T7"])
        for band in bands {
            let ci = try Self.interval(band, in: try Self.run(book: band.book))
            XCTAssertGreaterThanOrEqual(ci.low, band.low, "\(band.id) \(band.name) [\(band.group)] \(band.period): \(ci) below [\(band.low), \(band.high)]")
            XCTAssertLessThanOrEqual(ci.high, band.high, "\(band.id) \(band.name) [\(band.group)] \(band.period): \(ci) above [\(band.low), \(band.high)]")
        }
    }

    /// T6 (an assumption: no public source gives roll rates by bucket): debt rolls on more
    /// readily the older it is — the 60–89 bucket rolls to 90+ more often than 30–59 rolls to
    /// 60–89, in a month of the cohort's second half.
    func testLaterBucketsRollOnMoreOften() throws {
        let run = try Self.run(book: "default")
        func roll(_ name: String) throws -> Statistic {
            try Self.statistic(Band(id: "T6", book: "default", kind: "roll", name: name, period: "10", group: "all", low: 0, high: 1, line: 0),
                               for: run.scenario)
        }
        let later = try roll("60-89>90-179"), earlier = try roll("30-59>60-89")
        var d = Moments()
        for tally in run.tallies[0] { d.add(later.value(tally) - earlier.value(tally)) }
        XCTAssertGreaterThan(ConfidenceInterval(d).low, 0, "roll 60-89>90-179 − roll 30-59>60-89, month 10: \(ConfidenceInterval(d))")
    }

    /// T4: the grades mean something — a performing book's annual default rises from A to E,
    /// each step beyond the noise.
    func testAnnualDefaultRisesWithEveryGradeStep() throws {
        let run = try Self.run(book: "current")
        let groups = Analyzer.groupNames(run.scenario)
        let metric = Metrics.byName["default_rate"]!
        for (better, worse) in zip(["A", "B", "C", "D"], ["B", "C", "D", "E"]) {
            let b = groups.firstIndex(of: "grade_\(better)")!, w = groups.firstIndex(of: "grade_\(worse)")!
            var d = Moments()
            for tally in run.tallies[0] { d.add(metric.value(tally, group: w) - metric.value(tally, group: b)) }
            XCTAssertGreaterThan(ConfidenceInterval(d).low, 0, "grade \(worse) − grade \(better) annual default: \(ConfidenceInterval(d))")
        }
    }
}
