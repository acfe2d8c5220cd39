import Analysis
import Engine
import Foundation
import Scenario
import XCTest

/// Each seed system's claim (docs/model.md §9, docs/seed-systems.md), measured on the scenario file
/// itself with its own seed and common random numbers: a claim holds when the paired 95% CI
/// of the difference excludes zero in the claimed direction. Populations are reduced from the
/// files' 100,000 to keep the suite short; every CI below is that smaller run's own.
final class SeedSystemTests: XCTestCase {
    static let scenarios = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios")

    /// Runs `scenarios/<file>` at `size` borrowers per replication, once per file and size for
    /// all the tests that read it.
    func run(_ file: String, size: Int = 25_000) throws -> RunResult {
        try Self.cache.result(for: "\(file)@\(size)") {
            var scenario = try ScenarioLoader.load(path: Self.scenarios.appendingPathComponent(file).path)
            scenario.population.size = size
            return Runner(scenario: scenario).run()
        }
    }

    static let cache = RunCache()

    final class RunCache: @unchecked Sendable {
        private let lock = NSLock()
        private var runs: [String: RunResult] = [:]

        func result(for key: String, _ make: () throws -> RunResult) throws -> RunResult {
            lock.lock(); defer { lock.unlock() }
            if let r = runs[key] { return r }
            let r = try make()
            runs[key] = r
            return r
        }
    }

    func compare(_ run: RunResult, _ metric: String, _ strategy: String, against: String, group: String = "all",
                 file: StaticString = #filePath, line: UInt = #line) throws -> Comparison {
        try XCTUnwrap(Analyzer.compare(run, metric: metric, strategy: strategy, against: against, group: group),
                      "\(metric) \(strategy) vs \(against) in \(group)", file: file, line: line)
    }

    func assertHigher(_ c: Comparison, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(c.difference.low, 0, "\(c.strategy) − \(c.baseline), \(c.metric) [\(c.group)]: \(c.difference)", file: file, line: line)
    }

    func assertLower(_ c: Comparison, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(c.difference.high, 0, "\(c.strategy) − \(c.baseline), \(c.metric) [\(c.group)]: \(c.difference)", file: file, line: line)
    }

    // MARK: 000 Jiebei × Bank of Jiangsu

    func testJiebeiGradedCollectionHasFewerComplaintsMoreSatisfactionAndNoWorseRecovery() throws {
        let r = try run("000-jiebei-jiangsu.yaml")
        assertLower(try compare(r, "complaints_per_1000", "jiebei_graded", against: "uniform_strict"))
        assertHigher(try compare(r, "satisfaction", "jiebei_graded", against: "uniform_strict"))
        assertLower(try compare(r, "default_rate", "jiebei_graded", against: "uniform_strict"))
        // Non-inferiority: gross recovery within 2.5 points of uniform strict (the margin the
        // scenario file states), and net of costs and commissions it is higher.
        let recovery = try compare(r, "recovery_rate", "jiebei_graded", against: "uniform_strict")
        XCTAssertGreaterThan(recovery.difference.low, -0.025, "graded − strict recovery: \(recovery.difference)")
        assertHigher(try compare(r, "net_recovery_rate", "jiebei_graded", against: "uniform_strict"))
    }

    func testJiebeiGentleRemindersAloneCureMostGoodGradeAccountsWithin30Days() throws {
        let r = Analyzer.analyze(try run("000-jiebei-jiangsu.yaml"))
        let ci = try XCTUnwrap(r.estimate("resolved_within_30_days", strategy: "gentle_reminders", group: "grade_A"))
        XCTAssertGreaterThan(ci.low, 0.5, "grade-A accounts resolved within 30 days under SMS alone: \(ci)")
    }

    // MARK: 001 Bai Jiedai

    func testBaiJiedaiAggressiveProgrammeHasTheMostComplaints() throws {
        let r = try run("001-bai-jiedai.yaml")
        for other in r.strategyNames where other != "aggressive" {
            assertHigher(try compare(r, "complaints_per_1000", "aggressive", against: other))
        }
    }

    func testBaiJiedaiPersonalisedProgrammeRecoversMoreOfTheOverdueAmountThanAggressive() throws {
        let r = try run("001-bai-jiedai.yaml")
        assertHigher(try compare(r, "overdue_recovery_rate", "personalized_program", against: "aggressive"))
    }

    /// The claimed level (80% ± 5) is not reproduced by the default parameters; the shortfall
    /// is documented in docs/seed-systems.md. This test keeps that statement true: it fails,
    /// asking for the documentation to be updated, once the model reaches the claimed band.
    func testBaiJiedaiOverdueRecoveryShortfallIsAsDocumented() throws {
        let r = Analyzer.analyze(try run("001-bai-jiedai.yaml"))
        let ci = try XCTUnwrap(r.estimate("overdue_recovery_rate", strategy: "personalized_program"))
        XCTAssertLessThan(ci.high, 0.75, "overdue recovery of the personalised programme: \(ci)")
        XCTAssertGreaterThan(ci.low, 0.5, "overdue recovery of the personalised programme: \(ci)")
    }

    // MARK: 002 Platforms A, B, C

    func testPlatformAWorkingHoursContactLowersComplaintsAtACostInRightPartyContacts() throws {
        let r = try run("002a-platform-a.yaml")
        assertLower(try compare(r, "complaints_per_1000", "a_working_hours", against: "a_any_time"))
        // The stated cost: fewer right-party contacts per account.
        assertLower(try compare(r, "rpc_per_account", "a_working_hours", against: "a_any_time"))
    }

    func testPlatformBInstallmentPlansRaiseCollectionSuccess() throws {
        let r = try run("002b-platform-b.yaml")
        let all = try compare(r, "resolution_rate", "b_with_plans", against: "b_no_plans")
        XCTAssertGreaterThan(all.relative.low, 0, "relative lift in resolution: \(all.relative)")
        let late = try compare(r, "resolution_rate", "b_with_plans", against: "b_no_plans", group: "entry_defaulted")
        XCTAssertGreaterThan(late.relative.low, 0, "relative lift in resolution, 90+ DPD at entry: \(late.relative)")
    }

    /// The claimed size (+20% relative) is reproduced on late-stage debt, where plans matter,
    /// and not on the whole book, where most delinquency self-cures without a plan;
    /// docs/seed-systems.md gives the numbers. Kept true by this test, like the 001 level.
    func testPlatformBLiftExceedsTheClaimed20PercentOnLateStageDebtOnlyAsDocumented() throws {
        let r = try run("002b-platform-b.yaml")
        let all = try compare(r, "resolution_rate", "b_with_plans", against: "b_no_plans")
        XCTAssertLessThan(all.relative.high, 0.20, "relative lift in resolution, all accounts: \(all.relative)")
        let late = try compare(r, "resolution_rate", "b_with_plans", against: "b_no_plans", group: "entry_defaulted")
        XCTAssertGreaterThan(late.relative.low, 0.20, "relative lift in resolution, 90+ DPD at entry: \(late.relative)")
    }

    func testPlatformCEmotionalFollowUpRaisesWillingnessSatisfactionAndLateStageRecovery() throws {
        let r = try run("002c-platform-c.yaml")
        assertHigher(try compare(r, "willingness", "c_emotional_followup", against: "c_standard", group: "entry_defaulted"))
        assertHigher(try compare(r, "recovery_rate", "c_emotional_followup", against: "c_standard", group: "entry_defaulted"))
        assertHigher(try compare(r, "satisfaction", "c_emotional_followup", against: "c_standard"))
    }

    // MARK: 003 Yinzhou Bank Xiaoshandai

    /// Grading with offers against uniform collection, both with untrained collectors, so the
    /// arms differ in the grading and the offers only.
    func testYinzhouGradingWithOffersLowersChargeOffsAndRaisesSatisfaction() throws {
        let r = try run("003-yinzhou-xiaoshandai.yaml")
        assertLower(try compare(r, "chargeoff_rate", "yinzhou_untrained", against: "uniform"))
        assertHigher(try compare(r, "satisfaction", "yinzhou_untrained", against: "uniform"))
    }

    func testYinzhouCollectorTrainingLowersComplaintsPerCall() throws {
        let r = try run("003-yinzhou-xiaoshandai.yaml")
        assertLower(try compare(r, "complaints_per_1000_calls", "yinzhou", against: "yinzhou_untrained"))
    }

    // MARK: 004 Yifenqi as Jiebei's agency

    /// The fair comparison: the lender applies the agency's own rules from 90 DPD with its own
    /// collectors, against placement, which adds the agency's capacity and skill and pays its
    /// commission. The claim that placement nets more on late-stage debt does not hold: the
    /// extra capacity recovers no more, so the commission is a loss (docs/seed-systems.md).
    /// Stress and complaints are still its price.
    func testAgencyPlacementNetsLessLateStageDebtThanTheSameRulesInHouseAndCostsStressAndComplaints() throws {
        let r = try run("004-yifenqi-agency.yaml", size: 50_000)
        assertLower(try compare(r, "net_recovery_rate", "placed_at_90", against: "in_house", group: "entry_defaulted"))
        assertHigher(try compare(r, "peak_stress", "placed_at_90", against: "in_house"))
        assertHigher(try compare(r, "complaints_per_1000", "placed_at_90", against: "in_house"))
    }
}
