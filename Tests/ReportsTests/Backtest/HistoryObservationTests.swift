import Analysis
import CollectionsModel
import Engine
import Foundation
import Reports
import Scenario
import TestSupport
import XCTest

/// A simulated history, written and read back, shows exactly what the engine counted: the
/// history format and `BookObservation` measure as the engine measures.
final class HistoryObservationTests: XCTestCase {
    static let yaml = """
    name: history
    seed: 5
    replications: 2
    horizon_days: 150
    population: {size: 2500}
    strategies: [graded, gentle]
    """

    /// The run's history, as `run --export-history` writes it (replication 1's accounts).
    func history(of scenario: Scenario) throws -> (RunResult, AccountHistory) {
        let rows = RowsCollector(strategies: scenario.strategies.map(\.name))
        let result = Runner(scenario: scenario, threads: 2).run(accounts: { s, _, o in rows.add(s, o) }, withHistory: true)
        let file = TestRun.temporaryDirectory().appendingPathComponent("history.csv")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data((HistoryColumns.header + rows.text()).utf8).write(to: file)
        return (result, try HistoryReader.read(file, name: "history.csv"))
    }

    func testAnObservedSimulatedHistoryGivesTheEnginesRollsMonthEndsAndRecoveryOfThatReplication() throws {
        let scenario = try ScenarioLoader.parse(yaml: Self.yaml, file: "history.yaml")
        let (result, history) = try history(of: scenario)
        XCTAssertEqual(history.months, 5)
        XCTAssertEqual(history.books.map(\.strategy), ["graded", "gentle"])
        for (k, book) in history.books.enumerated() {
            let tally = result.tallies[k][0]
            let o = BookObservation(book, months: history.months)
            XCTAssertEqual(o.accounts, 2500)
            XCTAssertEqual(o.outstanding, tally.value(.outstanding), accuracy: 0.005 * 2500)
            for month in 1...5 {
                for from in Tally.rollBuckets.indices {
                    for to in Tally.rollBuckets.indices {
                        XCTAssertEqual(o.roll(month: month, from: from, to: to), tally.roll(month: month - 1, from: from, to: to),
                                       "\(book.strategy) month \(month) \(Tally.rollBuckets[from])>\(Tally.rollBuckets[to])")
                    }
                }
                // Amounts are written in cents: the month's recovery agrees to a cent an account.
                let paid = tally.curve(.collected).dropFirst(30 * (month - 1)).prefix(30).reduce(0, +)
                XCTAssertEqual(o.recovery(in: month).value * o.outstanding, paid, accuracy: 0.01 * 2500)
            }
            for kind in MonthEndKind.allCases {
                XCTAssertEqual(o.firstSeen[kind.rawValue], (0...5).map { tally.monthEnd(kind, month: $0) }, "\(book.strategy) \(kind)")
            }
            XCTAssertGreaterThan(o.firstSeen[MonthEndKind.cure.rawValue].reduce(0, +), 0)
        }
    }

    /// Recording histories simulates every day in full, which must not change a bit.
    func testRecordingHistoriesLeavesTheResultsUnchanged() throws {
        let scenario = try ScenarioLoader.parse(yaml: Self.yaml, file: "history.yaml")
        let (withHistory, _) = try history(of: scenario)
        let without = Runner(scenario: scenario, threads: 2).run()
        for k in scenario.strategies.indices {
            XCTAssertEqual(withHistory.tallies[k].map { $0.encoded() }, without.tallies[k].map { $0.encoded() })
        }
    }
}

/// Collects history rows in the order the runner hands accounts over, as `AccountRows` does.
final class RowsCollector: @unchecked Sendable {
    let strategies: [String]
    var next: [Int]
    var out = ""
    let lock = NSLock()
    init(strategies: [String]) { self.strategies = strategies; next = Array(repeating: 0, count: strategies.count) }
    func add(_ s: Int, _ o: AccountOutcome) {
        lock.withLock {
            if !o.history.isEmpty { out += HistoryWriter.rows(strategy: strategies[s], id: "acct-\(next[s])", o.history) }
            next[s] += 1
        }
    }
    func text() -> String { lock.withLock { out } }
}
