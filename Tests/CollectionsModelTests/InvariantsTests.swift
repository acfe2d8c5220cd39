@testable import CollectionsModel
import Scenario
import XCTest

/// The model's invariants (`AccountInvariants`) hold for every account of every scenario, and
/// each one notices the corruption it guards against. The test build also checks them after
/// every settlement (`-DCOLLECTSIM_INVARIANTS` in scripts/test.sh).
final class InvariantsTests: XCTestCase {
    func testEveryAccountKeepsTheInvariantsToTheHorizonInEveryScenario() throws {
        for file in try ProjectScenarios.files() {
            let (scenario, model) = try ProjectScenarios.load(file)
            let simulator = ProjectScenarios.simulator(model)
            for strategy in scenario.strategies {
                var tally = Tally(segmentCount: scenario.population.segments.count, horizonDays: scenario.horizonDays)
                simulator.run(CompiledStrategy(strategy, model: model), into: &tally)
                let broken = simulator.invariantViolationsAtHorizon()
                XCTAssertEqual(broken, [], "\(file) \(strategy.name): \(broken.prefix(3))")
            }
        }
    }

    func testEachInvariantNoticesTheCorruptionItGuardsAgainst() throws {
        let model = try ProjectScenarios.load("default.yaml").model
        let invariants = AccountInvariants(model: model)
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        defer { counter.deallocate() }
        let entry = AccountStore(capacity: 64)
        PopulationGenerator(model: model, drawCounter: counter).fill(entry, seed: 3, replication: 0, first: 0, count: 64)
        for j in 0..<64 {
            XCTAssertEqual(invariants.violations(in: entry, account: j, afterSettlementOf: -1), [], "account \(j) at entry")
        }
        // A delinquent account, not charged off (its flags are then empty).
        let j = try XCTUnwrap((0..<64).first { entry.i(.dpd)[$0] > 0 && entry.flags[$0] == 0 })
        // Each corruption breaks the one invariant named, except the first: a balance above the
        // entry balance, with collections to match, makes collections negative, and discounted
        // collections cannot be.
        let corruptions: [(expected: String, corrupt: (AccountStore) -> Void)] = [
            ("balance", { $0.d(.balance)[j] = $0.d(.balance0)[j] + 1; $0.d(.collected)[j] = -1; $0.d(.discounted)[j] = -1 }),
            ("arrears", { $0.d(.arrears)[j] = $0.d(.balance)[j] * 2 }),
            ("collected", { $0.d(.collected)[j] += 1 }),
            ("discounted", { $0.d(.discounted)[j] = 5 }),
            ("willingness", { $0.d(.willingness)[j] = 1.01 }),
            ("literacy", { $0.d(.literacy)[j] = -0.01 }),
            ("satisfaction", { $0.d(.satisfaction)[j] = .nan }),
            ("stress", { $0.d(.stress)[j] = -.infinity }),
            ("pressure", { $0.d(.pressure)[j] = -0.5 }),
            ("excitation", { $0.d(.excitation)[j] = .nan }),
            ("peak stress", { $0.d(.stress)[j] = 2; $0.d(.peakStress)[j] = 1 }),
            ("paymentClock", { $0.d(.paymentClock)[j] = 0 }),
            ("complaintClock", { $0.d(.complaintClock)[j] = -0.1 }),
            ("DPD", { $0.i(.dpd)[j] = Int32(model.population.maxInitialDPD + 1) }),
            ("DPD", { $0.i(.dpd)[j] = Int32(invariants.lowestDPD - 1) }),
            ("delinquency start", { $0.i(.dpd)[j] = 5; $0.i(.delinquentSince)[j] = -1 }),
            ("capacity switch", { $0.i(.nextSwitch)[j] = -1 }),
            ("hardship", { $0.u(.hardship)[j] = 2 }),
            ("closed", { $0.u(.closed)[j] = 2 }),
            ("charged-off", { $0.flags[j] |= AccountFlags.chargedOff.rawValue }),
            ("plan", { $0.flags[j] |= AccountFlags.onPlan.rawValue; $0.i(.planRemaining)[j] = 0; $0.i(.planBreakAfter)[j] = 2; $0.i(.planNextDue)[j] = 30 }),
            ("plan", { $0.flags[j] |= AccountFlags.onPlan.rawValue; $0.i(.planRemaining)[j] = 3; $0.i(.planBreakAfter)[j] = 2; $0.i(.planNextDue)[j] = -1 }),
            ("promiseDue", { $0.flags[j] |= AccountFlags.promisePending.rawValue; $0.i(.promiseDue)[j] = -1 }),
            ("legalDay", { $0.flags[j] |= AccountFlags.legalPending.rawValue; $0.i(.legalDay)[j] = -1 }),
            ("deferralUntil", { $0.flags[j] |= AccountFlags.inDeferral.rawValue; $0.i(.deferralUntil)[j] = -1 }),
        ]
        for (expected, corrupt) in corruptions {
            let store = AccountStore(capacity: 64)
            store.copy(from: entry)
            corrupt(store)
            let broken = invariants.violations(in: store, account: j, afterSettlementOf: -1)
            XCTAssertEqual(broken.count, expected == "balance" ? 2 : 1, "\(expected): \(broken)")
            XCTAssertTrue(broken.first?.hasPrefix(expected) ?? false, "\(expected): \(broken)")
        }
    }
}
