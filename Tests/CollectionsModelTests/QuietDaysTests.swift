@testable import CollectionsModel
import Scenario
import XCTest

/// The short path for quiet days must be invisible: every account ends in the same state, bit
/// for bit, as when each of its days takes the full path.
final class QuietDaysTests: XCTestCase {
    func testQuietDaysGiveTheSameBitsAsFullDaysInEveryScenario() throws {
        for file in try ProjectScenarios.files() {
            let (scenario, model) = try ProjectScenarios.load(file)
            let segments = scenario.population.segments.map(\.name)
            let quick = BlockSimulator(model: model, blockSize: 1024)
            let full = BlockSimulator(model: model, blockSize: 1024)
            full.skipsQuietDays = false
            var quietDays = 0
            for block in 0..<2 {
                quick.preparePopulation(seed: 7, replication: 0, first: block * 1024, count: 1024)
                full.preparePopulation(seed: 7, replication: 0, first: block * 1024, count: 1024)
                for strategy in scenario.strategies {
                    let compiled = CompiledStrategy(strategy, model: model)
                    var a = Tally(segmentCount: segments.count, horizonDays: scenario.horizonDays)
                    var b = a
                    var outcomesA: [AccountOutcome] = [], outcomesB: [AccountOutcome] = []
                    let drawsBefore = (quick.drawsMade, full.drawsMade)
                    let quietBefore = quick.quietDaysTaken
                    quick.run(compiled, into: &a) { outcomesA.append($0) }
                    full.run(compiled, into: &b) { outcomesB.append($0) }
                    let label = "\(file) \(strategy.name) block \(block)"
                    XCTAssertEqual(quick.drawsMade - drawsBefore.0, full.drawsMade - drawsBefore.1, label)
                    XCTAssertEqual(a.sums, b.sums, label)
                    XCTAssertEqual(a.rolls, b.rolls, label)
                    XCTAssertEqual(a.resolutionDays, b.resolutionDays, label)
                    XCTAssertEqual(a.callsUsed, b.callsUsed, label)
                    XCTAssertEqual(outcomesA.count, outcomesB.count, label)
                    for (x, y) in zip(outcomesA, outcomesB) {
                        XCTAssertEqual(x.collected, y.collected, label)
                        XCTAssertEqual(x.defaultDay, y.defaultDay, label)
                        XCTAssertEqual(x.cureDay, y.cureDay, label)
                        XCTAssertEqual(x.complaints, y.complaints, label)
                    }
                    // Daily curves are sums over accounts taken in another order: equal to rounding.
                    for (x, y) in zip(a.curves, b.curves) { XCTAssertEqual(x, y, accuracy: 1e-9 * max(1, abs(y)), label) }
                    quietDays = max(quietDays, quick.quietDaysTaken - quietBefore)
                    XCTAssertEqual(full.quietDaysTaken, 0)
                }
            }
            // The comparison means something only if the short path carried many account-days.
            XCTAssertGreaterThan(Double(quietDays) / Double(1024 * scenario.horizonDays), 0.2, "\(file): the short path is taken")
        }
    }
}
