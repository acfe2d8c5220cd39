import Analysis
import Foundation
import Scenario
import Stochastics
import XCTest

/// The searches find known optima of functions whose answer is known.
final class OptimizationTests: XCTestCase {
    func testNelderMeadFindsTheMinimumOfRosenbrocksValley() throws {
        let r = try NelderMead.minimize(start: [-1.2, 1], step: [0.5, 0.5], tolerance: 1e-8, maxIterations: 5000) { x in
            100 * pow(x[1] - x[0] * x[0], 2) + pow(1 - x[0], 2)
        }
        XCTAssertTrue(r.converged)
        XCTAssertEqual(r.x[0], 1, accuracy: 1e-3)
        XCTAssertEqual(r.x[1], 1, accuracy: 1e-3)
    }

    func testAnErrorFromTheObjectiveEndsTheSearchAndReachesTheCaller() {
        struct Enough: Error {}
        var calls = 0
        XCTAssertThrowsError(try NelderMead.minimize(start: [0, 0], step: [1, 1], tolerance: 1e-12, maxIterations: 1000) { x in
            calls += 1
            if calls == 7 { throw Enough() }
            return x[0] * x[0] + x[1] * x[1]
        }) { XCTAssertTrue($0 is Enough) }
        XCTAssertEqual(calls, 7, "no evaluation after the error")
    }

    /// A problem on two factors of the unit square whose metrics are closed-form functions:
    /// objective = 1 − (x − 0.7)² − (y − 0.6)², and a "cost" = x + y capped at 1.
    func problem(method: String) throws -> (OptimizationProblem, (Double, Double) -> PointEvaluation) {
        let s = try ScenarioLoader.parse(yaml: """
        name: synthetic
        strategies: [graded]
        experiment:
          optimize:
            strategy: graded
            objective: recovery_rate
            method: \(method)
            constraints: [{metric: cost_per_account, max: 1}]
            factors:
              - {path: model.capacity.macro_stress, range: [0, 1]}
              - {path: model.capacity.hardship_disclosure, range: [0, 1]}
        """, file: "synthetic.yaml")
        let p = OptimizationProblem(spec: s.experiment!.optimize!)
        return (p, { x, y in
            PointEvaluation(values: [x, y], perReplication: ["graded": [
                "recovery_rate": [1 - pow(x - 0.7, 2) - pow(y - 0.6, 2)], "cost_per_account": [x + y]]], borrowerDays: 0, seconds: 0)
        })
    }

    func best(_ p: OptimizationProblem, _ seen: [PointEvaluation]) -> PointEvaluation {
        seen.filter { p.violation($0) == 0 }.max { $0.mean("recovery_rate", strategy: "graded") < $1.mean("recovery_rate", strategy: "graded") }!
    }

    func testTheConstrainedOptimumIsFoundByNelderMeadAndByCrossEntropy() throws {
        // On the line x + y = 1 the objective peaks at x = 0.55, y = 0.45.
        for method in ["nelder_mead", "cross_entropy"] {
            var (p, f) = try problem(method: method)
            p.scale = 1
            var seen: [PointEvaluation] = []
            var budget = 400
            let evaluate: ([Double]) throws -> PointEvaluation = { v in
                guard budget > 0 else { throw OptimizationSearch.BudgetSpent() }
                budget -= 1
                let e = f(v[0], v[1]); seen.append(e); return e
            }
            do {
                if method == "nelder_mead" {
                    try OptimizationSearch.nelderMead(p, start: [0.1, 0.1], extra: nil, evaluate: evaluate)
                } else {
                    try OptimizationSearch.crossEntropy(p, start: [0.1, 0.1], seed: 3, extra: nil, evaluate: evaluate)
                }
            } catch is OptimizationSearch.BudgetSpent {}
            let b = best(p, seen)
            XCTAssertEqual(b.values[0], 0.55, accuracy: 0.05, method)
            XCTAssertEqual(b.values[1], 0.45, accuracy: 0.05, method)
            XCTAssertLessThanOrEqual(b.values[0] + b.values[1], 1, method)
        }
    }

    func testTheParetoFrontKeepsOnlyUndominatedPoints() {
        // (objective up, other down): (0.5, 10) is dominated by (0.6, 9); (0.6, 9) twice counts once.
        let points = [(objective: 0.5, other: 10.0), (0.6, 9), (0.7, 12), (0.4, 5), (0.6, 9), (0.3, 6), (Double.nan, 1)]
        XCTAssertEqual(OptimizationSearch.paretoFront(points, maximizeObjective: true, maximizeOther: false), [3, 1, 2])
    }
}
