import Analysis
import CollectionsModel
import Engine
import TestSupport
import XCTest

/// The roll-rate matrices (docs/model.md §8) account for every account every month.
final class RollRateTests: XCTestCase {
    func testEveryAccountRollsFromItsBucketAtTheEndOfTheMonthBefore() throws {
        let run = try TestRun.run("""
        name: rolls
        seed: 12
        replications: 2
        horizon_days: 125
        population: {size: 3000}
        strategies: [gentle, strict]
        """)
        let b = Tally.rollBuckets.count
        XCTAssertEqual(Tally.rollMonths(horizonDays: 125), 4)
        for tallies in run.tallies {
            for t in tallies {
                let accounts = t.value(.accounts)
                for month in 0..<4 {
                    var total = 0.0
                    for from in 0..<b { for to in 0..<b { total += t.roll(month: month, from: from, to: to) } }
                    XCTAssertEqual(total, accounts, "month \(month) counts every account once")
                    guard month > 0 else { continue }
                    for bucket in 0..<b {
                        let arrived = (0..<b).reduce(0) { $0 + t.roll(month: month - 1, from: $1, to: bucket) }
                        let left = (0..<b).reduce(0) { $0 + t.roll(month: month, from: bucket, to: $1) }
                        XCTAssertEqual(arrived, left, "bucket \(Tally.rollBuckets[bucket]) between months \(month) and \(month + 1)")
                    }
                }
                // Settled accounts stay settled; charged-off accounts stay or are paid off (recoveries).
                for month in 0..<4 {
                    for to in 0..<6 { XCTAssertEqual(t.roll(month: month, from: 6, to: to), 0) }
                    for to in 0..<5 { XCTAssertEqual(t.roll(month: month, from: 5, to: to), 0) }
                }
                // Nobody skips a bucket without paying: 1-29 cannot reach 60-89 in one month.
                for month in 0..<4 { XCTAssertEqual(t.roll(month: month, from: 1, to: 3), 0) }
            }
        }
        let rates = Analyzer.rollRates(run)
        for group in Dictionary(grouping: rates, by: { "\($0.strategy) \($0.month) \($0.from)" }).values {
            XCTAssertEqual(group.reduce(0) { $0 + $1.interval.mean }, 1, accuracy: 1e-12, "a row of the matrix sums to 1")
        }
    }
}
