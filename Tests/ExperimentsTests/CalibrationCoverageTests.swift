import Analysis
import Engine
import Foundation
@testable import Experiments
import Scenario
import Stochastics
import TestSupport
import XCTest

/// Calibration's standard errors are honest: over fits at known parameters, the reported 95%
/// intervals cover the truth as often as 95% intervals should.
///
/// Each of 24 fits observes a synthetic portfolio, simulated at known parameters on its own seed
/// (24 replications of 3,000 accounts, so the observed standard errors are themselves known to
/// about 15%), and fits it on another seed (4 replications). The error model must carry both the
/// observed errors and the fit's Monte Carlo error, correlated across targets because one
/// population gives them all. Before the sandwich over that covariance, 17 of 24 intervals of
/// the hardship factor covered the truth (Σz² = 86 on 24).
final class CalibrationCoverageTests: XCTestCase {
    static let fits = 24

    func testReportedIntervalsCoverKnownParametersAsOftenAs95PercentIntervalsShould() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var z: [String: [Double]] = [:]
        for k in 0..<Self.fits {
            let observed = try CalibrationFixture.observedFile(seed: 1000 + k, in: dir)
            let scenario = try CalibrationFixture.fitScenario(seed: 5000 + k, replications: 4, population: 3000, maxEvaluations: 80,
                                           start: (0.1, 56), observed: observed, in: dir)
            let out = dir.appendingPathComponent("fit-\(k)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let outcome = try CalibrateExperiment.run(scenario, observed: observed.path, in: out, threads: nil, stop: nil, progress: nil)
            XCTAssertNotEqual(outcome.ending, CalibrateExperiment.budgetSpent, "fit \(k) must reach a minimum to be counted")
            for p in outcome.parameters {
                XCTAssertTrue(p.standardError.isFinite && p.standardError > 0, "fit \(k): \(p.factor.path.text) has no standard error")
                z[p.factor.path.text, default: []].append((p.estimate - CalibrationFixture.truth[p.factor.path.text]!) / p.standardError)
            }
        }
        // Coverage is binomial(24, 0.95) when the intervals are right: 19 or fewer covering has
        // probability 0.6%. Σz² is χ²(24): outside its central 99% the errors are too narrow
        // (or too wide, which coverage alone would not notice).
        for (name, zs) in z {
            XCTAssertEqual(zs.count, Self.fits)
            let covered = zs.filter { abs($0) <= 1.96 }.count
            let sumOfSquares = zs.reduce(0) { $0 + $1 * $1 }
            let tail = ChiSquare.upperTail(sumOfSquares, degreesOfFreedom: Double(zs.count))
            XCTAssertGreaterThanOrEqual(covered, 20, "\(name): \(covered)/\(zs.count) intervals cover the truth; z = \(zs)")
            XCTAssertTrue((0.005...0.995).contains(tail), "\(name): Σz² = \(sumOfSquares) on \(zs.count), upper tail \(tail); z = \(zs)")
        }
    }

    /// A search that ends on its evaluation budget is not at a minimum; its "standard errors"
    /// would be numbers without meaning, so none are reported.
    func testAFitThatRanOutOfEvaluationsReportsNoStandardErrors() throws {
        let dir = TestRun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let observed = try CalibrationFixture.observedFile(seed: 999, in: dir)
        let scenario = try CalibrationFixture.fitScenario(seed: 4, replications: 2, population: 1000, maxEvaluations: 3, start: (0.3, 80), observed: observed, in: dir)
        let outcome = try CalibrateExperiment.run(scenario, observed: observed.path, in: dir, threads: nil, stop: nil, progress: nil)
        XCTAssertEqual(outcome.ending, CalibrateExperiment.budgetSpent)
        XCTAssertEqual(outcome.parameters.count, 2)
        XCTAssertTrue(outcome.parameters.allSatisfy { $0.standardError.isNaN })
    }
}
