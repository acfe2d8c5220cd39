import Analysis
import TestSupport
import XCTest

/// One test per mechanism a strategy can switch on, each against the same strategy without it
/// (common random numbers; paired 95% CI must exclude zero in the stated direction).
final class MechanismTests: XCTestCase {
    func comparison(_ r: AnalysisResult, _ metric: String, _ strategy: String) throws -> Comparison {
        try XCTUnwrap(r.comparison(metric, strategy: strategy), "\(metric) for \(strategy)")
    }

    /// Two strategies that differ in one place; `extra` is spliced into the second's rule.
    func pair(_ name: String, base: String, extra: String, population: String = "{size: 12000, delinquent_share: 1}",
              model: String = "{}", seed: Int = 31) throws -> AnalysisResult {
        try TestRun.analyze("""
        name: \(name)
        seed: \(seed)
        replications: 6
        horizon_days: 180
        population: \(population)
        model: \(model)
        strategies:
          without:
            rules:
              - when: {dpd: [1, null]}
                do: [\(base)]
          with:
            rules:
              - when: {dpd: [1, null]}
                do: [\(base), \(extra)]
        baseline: without
        """)
    }

    func testCounsellingRaisesPlanAcceptance() throws {
        let base = "{action: call, every_days: 7, slot: evening}, {action: installment, every_days: 30}"
        let r = try pair("counselling", base: base, extra: "{action: counselling, every_days: 30}")
        XCTAssertGreaterThan(try comparison(r, "plan_acceptance_rate", "with").difference.low, 0)
        XCTAssertGreaterThan(try comparison(r, "literacy", "with").difference.low, 0)
    }

    func testEducationRaisesLiteracyAndWillingness() throws {
        let r = try pair("education", base: "{action: sms, every_days: 7}", extra: "{action: education}")
        XCTAssertGreaterThan(try comparison(r, "literacy", "with").difference.low, 0)
        XCTAssertGreaterThan(try comparison(r, "willingness", "with").difference.low, 0)
    }

    func testAgencyPlacementPaysCommissionOnWhatItCollects() throws {
        let r = try TestRun.analyze("""
        name: agency
        seed: 32
        replications: 4
        horizon_days: 180
        population: {size: 12000, delinquent_share: 1, initial_dpd_mean: 80}
        strategies:
          in_house:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 7, slot: evening}]
          placed:
            rules:
              - when: {dpd: [1, 89]}
                do: [{action: call, every_days: 7, slot: evening}]
              - when: {dpd: [90, null]}
                do: [{action: agency, commission: 0.25}]
        baseline: in_house
        """)
        XCTAssertGreaterThan(try comparison(r, "placements_per_1000", "placed").difference.low, 0)
        XCTAssertGreaterThan(try comparison(r, "commission_per_account", "placed").difference.low, 0)
        XCTAssertEqual(r.estimate("commission_per_account", strategy: "in_house")?.mean, 0)
    }

    func testCollectorTrainingLowersComplaintsPerCall() throws {
        let r = try TestRun.analyze("""
        name: skill
        seed: 33
        replications: 6
        horizon_days: 180
        population: {size: 20000, delinquent_share: 1}
        strategies:
          untrained:
            collector_skill: 1.0
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 3, slot: evening, tone: firm}]
          trained: {extends: graded, collector_skill: 1.6, rules: [{when: {dpd: [1, null]}, do: [{action: call, every_days: 3, slot: evening, tone: firm}]}]}
        baseline: untrained
        """)
        XCTAssertLessThan(try comparison(r, "complaints_per_1000_calls", "trained").difference.high, 0)
    }

    func testDailyCallCapBlocksAttemptsBeyondIt() throws {
        let r = try TestRun.analyze("""
        name: caps
        seed: 34
        replications: 2
        horizon_days: 60
        population: {size: 4000, delinquent_share: 1}
        compliance: {caps: {call: {per_day: 3}}, mode: enforce, cool_off_days: 0}
        strategies:
          three:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 1, attempts_per_day: 3}]
          six:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 1, attempts_per_day: 6}]
        baseline: three
        """)
        XCTAssertEqual(r.estimate("blocked_per_1000", strategy: "three")?.mean, 0)
        XCTAssertGreaterThan(r.estimate("blocked_per_1000", strategy: "six")?.low ?? 0, 0)
    }

    func testDeferralIsTakenUpAndFreezesAgeing() throws {
        let r = try pair("deferral", base: "{action: call, every_days: 7, slot: evening}",
                         extra: "{action: deferral, every_days: 120, deferral_days: 60}")
        XCTAssertLessThan(try comparison(r, "default_rate", "with").difference.high, 0)
    }

    /// `day:` restricts a rule to working or non-working days: over a Monday–Friday horizon with
    /// no holidays a weekend-only rule never fires, and a working-day rule fires as an unrestricted one.
    func testDayConditionSelectsWorkingOrNonWorkingDays() throws {
        let r = try TestRun.analyze("""
        name: day-condition
        seed: 32
        replications: 2
        horizon_days: 5
        calendar: {start_weekday: monday, holidays: []}
        population: {size: 4000, delinquent_share: 1}
        strategies:
          any_day:
            rules: [{when: {dpd: [1, null]}, do: [{action: sms, every_days: 1}]}]
          working:
            rules: [{when: {dpd: [1, null], day: working}, do: [{action: sms, every_days: 1}]}]
          weekend:
            rules: [{when: {dpd: [1, null], day: non_working}, do: [{action: sms, every_days: 1}]}]
        """)
        let any = try XCTUnwrap(r.estimate("contacts_per_account", strategy: "any_day"))
        XCTAssertGreaterThan(any.mean, 1)
        XCTAssertEqual(try XCTUnwrap(r.estimate("contacts_per_account", strategy: "working")).mean, any.mean)
        XCTAssertEqual(try XCTUnwrap(r.estimate("contacts_per_account", strategy: "weekend")).mean, 0)
    }
}
