import Foundation
import Scenario
import Stochastics

/// A constrained search over a strategy's numeric parameters: what is scored, and how.
///
/// Searches work in the unit cube (each factor's range mapped to [0, 1]), so one step size
/// suits every factor. The score, minimised, is the objective (negated when maximising) plus a
/// penalty for each constraint's relative violation, weighted so that missing a cap by 10%
/// costs as much as the whole objective at the starting point. Every score uses the mean over
/// the same replications (common random numbers), so two candidates are compared on the same
/// noise.
public struct OptimizationProblem: Sendable {
    public let strategy: String
    public let objective: String
    public let maximize: Bool
    public let constraints: [MetricConstraint]
    public let factors: [ExperimentFactor]
    /// Size of the objective at the start, which scales the penalties.
    public var scale: Double = 1

    public init(spec: OptimizeSpec) {
        strategy = spec.strategy
        objective = spec.objective
        maximize = spec.maximize ?? (Metrics.byName[spec.objective]?.higherIsBetter ?? true)
        constraints = spec.constraints
        factors = spec.factors
    }

    /// Factor values at a point of the unit cube (clamped into it, whole numbers rounded).
    public func values(_ u: [Double]) -> [Double] { factors.values(atUnit: u) }

    /// How far a point lies outside the unit cube (the search is pushed back in).
    func outside(_ u: [Double]) -> Double { u.reduce(0) { $0 + max(0, -$1) + max(0, $1 - 1) } }

    /// A point of the unit cube for factor values.
    public func unit(_ values: [Double]) -> [Double] { factors.unit(of: values) }

    /// Summed relative violation of the constraints (and of an extra cap, for the frontier).
    public func violation(_ e: PointEvaluation, extra: MetricConstraint? = nil) -> Double {
        (constraints + (extra.map { [$0] } ?? [])).reduce(0) { total, c in
            let v = e.mean(c.metric, strategy: strategy)
            guard v.isFinite else { return total + 1 }
            var miss = 0.0
            if let cap = c.max, v > cap { miss += (v - cap) / max(abs(cap), 1e-9) }
            if let floor = c.min, v < floor { miss += (floor - v) / max(abs(floor), 1e-9) }
            return total + miss
        }
    }

    /// The score a search minimises.
    public func score(_ e: PointEvaluation, extra: MetricConstraint? = nil) -> Double {
        let o = e.mean(objective, strategy: strategy)
        guard o.isFinite else { return .greatestFiniteMagnitude / 4 }
        return (maximize ? -o : o) + 10 * max(scale, 1e-9) * violation(e, extra: extra)
    }

    /// Whether `a` is a better outcome than `b` for the objective.
    public func better(_ a: Double, than b: Double) -> Bool { maximize ? a > b : a < b }
}

/// The searches of `collectsim optimize`, written against an evaluation function so that they
/// are pure given its results: a resumed search asks for the same points again.
public enum OptimizationSearch {
    /// Raised by an evaluation function when the search's share of the budget is spent.
    public struct BudgetSpent: Error { public init() {} }

    /// Nelder–Mead (GSL `nmsimplex2`) from `start`, restarted with a smaller simplex when it
    /// converges before the budget is spent.
    public static func nelderMead(_ problem: OptimizationProblem, start: [Double], extra: MetricConstraint?,
                                  evaluate: ([Double]) throws -> PointEvaluation) throws {
        var from = problem.unit(start)
        var step = 0.25
        for _ in 0..<4 {
            let result = try NelderMead.minimize(start: from, step: Array(repeating: step, count: from.count), tolerance: 0.01,
                                                 maxIterations: 10_000) { u in
                let e = try evaluate(problem.values(u))
                return problem.score(e, extra: extra) + 10 * max(problem.scale, 1e-9) * problem.outside(u)
            }
            guard result.converged else { return }
            from = result.x.map { min(max($0, 0), 1) }
            step /= 2
        }
    }

    /// Cross-entropy search: each generation samples points around the current mean, keeps the
    /// best quarter, and moves the mean and spread towards them. Samples come from a counter
    /// stream keyed by (seed, generation, sample), so the search is reproducible.
    public static func crossEntropy(_ problem: OptimizationProblem, start: [Double], seed: UInt64, extra: MetricConstraint?,
                                    evaluate: ([Double]) throws -> PointEvaluation) throws {
        let k = problem.factors.count
        let size = max(8, 4 * k), elite = max(2, size / 4)
        var mean = problem.unit(start), spread = Array(repeating: 0.3, count: k)
        for generation in 0..<10_000 {
            var scored: [(Double, [Double])] = []
            for j in 0..<size {
                let key = StreamKey(seed: seed, replication: generation, borrower: j)
                let u = (0..<k).map { i in
                    min(max(mean[i] + spread[i] * StandardNormal.quantile(key.uniform(day: i, purpose: .crossEntropy)), 0), 1)
                }
                let e = try evaluate(problem.values(u))
                scored.append((problem.score(e, extra: extra), u))
            }
            let best = scored.sorted { $0.0 < $1.0 }.prefix(elite).map(\.1)
            for i in 0..<k {
                var m = Moments()
                for u in best { m.add(u[i]) }
                mean[i] = 0.7 * m.mean + 0.3 * mean[i]
                spread[i] = max(0.7 * (m.count > 1 ? m.standardDeviation : 0) + 0.3 * spread[i], 0.01)
            }
        }
    }

    /// Indices of the points not dominated on (objective, other metric): no other point is at
    /// least as good on both and better on one. Sorted by the other metric.
    public static func paretoFront(_ points: [(objective: Double, other: Double)], maximizeObjective: Bool, maximizeOther: Bool) -> [Int] {
        func atLeast(_ a: Double, _ b: Double, _ up: Bool) -> Bool { up ? a >= b : a <= b }
        func strictly(_ a: Double, _ b: Double, _ up: Bool) -> Bool { up ? a > b : a < b }
        let valid = points.indices.filter { points[$0].objective.isFinite && points[$0].other.isFinite }
        let front = valid.filter { i in
            !valid.contains { j in
                j != i && atLeast(points[j].objective, points[i].objective, maximizeObjective)
                    && atLeast(points[j].other, points[i].other, maximizeOther)
                    && (strictly(points[j].objective, points[i].objective, maximizeObjective) || strictly(points[j].other, points[i].other, maximizeOther))
            }
        }
        // One point per distinct outcome (duplicates are the same candidate evaluated again).
        var seen = Set<[Double]>()
        return front.filter { seen.insert([points[$0].objective, points[$0].other]).inserted }.sorted { points[$0].other < points[$1].other }
    }
}
