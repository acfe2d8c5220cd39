import Analysis
import TestSupport
import XCTest

/// The model's qualitative claims, each measured with common random numbers: the paired 95%
/// CI of the difference must exclude zero in the claimed direction.
final class DirectionTests: XCTestCase {
    func assertPositive(_ result: AnalysisResult, _ metric: String, strategy: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let c = result.comparison(metric, strategy: strategy) else {
            return XCTFail("no comparison for \(metric) of \(strategy)", file: file, line: line)
        }
        XCTAssertGreaterThan(c.difference.low, 0, "\(strategy) − \(c.baseline) on \(metric): \(c.difference)", file: file, line: line)
    }

    func testStrictCollectionGivesMoreComplaintsThanGentle() throws {
        let r = try TestRun.analyze("""
        name: strict-vs-gentle
        seed: 21
        replications: 6
        horizon_days: 180
        population: {size: 20000}
        strategies: [gentle, strict]
        baseline: gentle
        """)
        assertPositive(r, "complaints_per_1000", strategy: "strict")
        assertPositive(r, "peak_stress", strategy: "strict")
    }

    func testGentleRemindersCureMostGradeAAccounts() throws {
        let r = try TestRun.analyze("""
        name: gentle-grade-a
        seed: 22
        replications: 6
        horizon_days: 180
        population: {size: 20000}
        strategies: [gentle]
        """)
        let ci = try XCTUnwrap(r.estimate("cure_rate", strategy: "gentle", group: "grade_A"))
        XCTAssertGreaterThan(ci.low, 0.5, "grade-A cure rate under gentle: \(ci)")
    }

    func testInstallmentOffersRaiseRecoveryAmongHardshipAccounts() throws {
        // Every account is delinquent and in hardship, and hardship lasts (recovery 0.2%/day).
        let r = try TestRun.analyze("""
        name: plans-in-hardship
        seed: 23
        replications: 6
        horizon_days: 240
        population:
          size: 20000
          delinquent_share: 1
          segments:
            hardship:
              weight: 1
              initial_hardship_delinquent: 1
              recovery_rate: 0.002
        strategies:
          calls:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 7, slot: evening, tone: gentle}]
          calls_and_plans:
            rules:
              - when: {dpd: [1, null]}
                do:
                  - {action: call, every_days: 7, slot: evening, tone: gentle}
                  - {action: installment, every_days: 30, installments: 6}
        baseline: calls
        """)
        assertPositive(r, "recovery_rate", strategy: "calls_and_plans")
        assertPositive(r, "plans_per_1000", strategy: "calls_and_plans")
    }

    func testOffHoursContactRaisesComplaintsAgainstTheSameStrategyInWorkingHours() throws {
        let r = try TestRun.analyze("""
        name: off-hours
        seed: 24
        replications: 6
        horizon_days: 180
        population: {size: 20000, delinquent_share: 1}
        compliance: {preset: none}
        strategies:
          working_hours:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 3, slot: afternoon, tone: gentle}]
          nights:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 3, slot: night, tone: gentle}]
        baseline: working_hours
        """)
        assertPositive(r, "complaints_per_1000", strategy: "nights")
    }

    func testEnforcedWorkingHoursBlockNightCallsWhileReportModeCountsViolations() throws {
        let strategies = """
        strategies:
          nights:
            rules:
              - when: {dpd: [1, null]}
                do: [{action: call, every_days: 3, slot: night}]
        """
        let enforce = try TestRun.analyze("""
        name: enforce
        replications: 2
        horizon_days: 60
        population: {size: 4000, delinquent_share: 1}
        compliance: {preset: platform_a, mode: enforce}
        \(strategies)
        """)
        let report = try TestRun.analyze("""
        name: report
        replications: 2
        horizon_days: 60
        population: {size: 4000, delinquent_share: 1}
        compliance: {preset: platform_a, mode: report}
        \(strategies)
        """)
        XCTAssertEqual(enforce.estimate("calls_per_account", strategy: "nights")?.mean, 0)
        XCTAssertGreaterThan(enforce.estimate("blocked_per_1000", strategy: "nights")?.low ?? 0, 0)
        XCTAssertEqual(enforce.estimate("violations_per_1000", strategy: "nights")?.mean, 0)
        XCTAssertGreaterThan(report.estimate("violations_per_1000", strategy: "nights")?.low ?? 0, 0)
        XCTAssertGreaterThan(report.estimate("calls_per_account", strategy: "nights")?.low ?? 0, 0)
    }
}
