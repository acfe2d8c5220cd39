@testable import CollectionsModel
import Scenario
import XCTest

/// The engine's event counts (for the event floor, `benchmarks/event-floor`) are the model's,
/// not the path's: the short path for quiet days changes how many full days and rule choices the
/// engine takes, and nothing else. The suite is built with -DCOLLECTSIM_EVENTS, so they count.
final class EngineEventsTests: XCTestCase {
    func testEventsAreTheSameOnEitherPathAndEveryOpenDayIsAFullDayWithoutTheShortPath() throws {
        try XCTSkipUnless(EngineEvent.counted, "this build counts no events (-DCOLLECTSIM_EVENTS)")
        for file in try ProjectScenarios.files() {
            let (scenario, model) = try ProjectScenarios.load(file)
            let quick = ProjectScenarios.simulator(model)
            let full = ProjectScenarios.simulator(model) { $0.skipsQuietDays = false }
            for strategy in scenario.strategies {
                let compiled = CompiledStrategy(strategy, model: model)
                var a = Tally(segmentCount: scenario.population.segments.count, horizonDays: scenario.horizonDays)
                var b = a
                quick.run(compiled, into: &a)
                full.run(compiled, into: &b)
            }
            let q = quick.eventCounts, f = full.eventCounts
            func n(_ counts: [Int], _ e: EngineEvent) -> Int { counts[e.rawValue] }
            for e in [EngineEvent.openDay, .contact, .collectorWait, .clockEvent, .datedEvent] {
                XCTAssertEqual(n(q, e), n(f, e), "\(file): \(e.name)")
                XCTAssertGreaterThan(n(q, e), 0, "\(file): \(e.name)")
            }
            XCTAssertEqual(n(f, .fullDay), n(f, .openDay), "\(file): without the short path every open day is taken in full")
            XCTAssertLessThan(n(q, .fullDay), n(q, .openDay) / 2, "\(file): the short path takes most days")
            XCTAssertLessThan(n(q, .ruleChoice), n(f, .ruleChoice), "\(file)")
            let openDaysBound = 1024 * scenario.strategies.count * scenario.horizonDays
            XCTAssertLessThanOrEqual(n(q, .openDay), openDaysBound, file)
        }
    }
}
