import Analysis
import Foundation
import Scenario
import Stochastics

/// `collectsim optimize`: searches a strategy's numeric parameters for the best objective under
/// the constraints, traces the Pareto frontier of the objective against another metric, and
/// confirms the winner on fresh replications.
public enum OptimizeExperiment {
    /// One model evaluation of the search.
    public struct Candidate: Sendable {
        public let index: Int
        public let search: Search
        public let evaluation: PointEvaluation

        /// Which search asked for the candidate: the main one, or the capped search for a
        /// frontier point, which holds `metric` at most (or at least) `cap`.
        public enum Search: Sendable, Equatable {
            case main
            case frontier(metric: String, atMost: Bool, cap: Double)
        }
    }

    public struct Outcome: ExperimentOutcome {
        public let record: ExperimentRecord
        public let problem: OptimizationProblem
        public let candidates: [Candidate]
        /// Index into `candidates` of the best feasible (or least infeasible) candidate.
        public let best: Int?
        public let start: [Double]
        /// Start and best, re-run on fresh replications (nil when stopped before).
        public let confirmation: (start: PointEvaluation, best: PointEvaluation)?
        /// Indices into `candidates` on the Pareto frontier (objective against `frontierMetric`).
        public let frontier: [Int]
        public let frontierMetric: String?

        public var spec: OptimizeSpec { record.spec.optimize! }
    }

    /// Evaluations the search plans: the main search, the frontier's capped searches, and the
    /// two confirmation runs.
    public static func budget(_ scenario: Scenario) -> Int {
        let o = scenario.experiment!.optimize!
        return o.maxEvaluations + (o.frontierMetric == nil ? 0 : o.frontierPoints * frontierBudget(o)) + 2
    }

    public static func frontierBudget(_ o: OptimizeSpec) -> Int { max(8, o.maxEvaluations / 3) }

    public static func run(_ scenario: Scenario, in dir: URL, threads: Int?, stop: StopRequest?, mode: ExperimentSession.Mode = .run,
                           progress: ((ExperimentProgress) -> Void)?) throws -> Outcome {
        let spec = scenario.experiment!.optimize!
        var problem = OptimizationProblem(spec: spec)
        let model = ExperimentEvaluator(base: scenario, factors: spec.factors, threads: threads)
        let start = try model.startValues()
        let session = ExperimentSession(evaluator: model, dir: dir, budget: budget(scenario), stop: stop, mode: mode, progress: progress)
        var candidates: [Candidate] = []
        var memo: [[Double]: PointEvaluation] = [:]
        var stopped = false

        /// Evaluates a point for a search with `limit` evaluations; a point seen before (whole-number
        /// factors make that common) is not run again and costs nothing.
        func evaluator(_ search: Candidate.Search, limit: Int) -> ([Double]) throws -> PointEvaluation {
            var used = 0
            return { values in
                if let e = memo[values] { return e }
                guard used < limit else { throw OptimizationSearch.BudgetSpent() }
                used += 1
                let e = try session.evaluate(values)
                memo[values] = e
                candidates.append(Candidate(index: candidates.count, search: search, evaluation: e))
                return e
            }
        }

        do {
            let main = evaluator(.main, limit: spec.maxEvaluations)
            problem.scale = abs(try main(start).mean(spec.objective, strategy: spec.strategy))
            do {
                switch spec.method {
                case .nelderMead: try OptimizationSearch.nelderMead(problem, start: start, extra: nil, evaluate: main)
                case .crossEntropy: try OptimizationSearch.crossEntropy(problem, start: start, seed: scenario.seed, extra: nil, evaluate: main)
                }
            } catch is OptimizationSearch.BudgetSpent {}

            if let against = spec.frontierMetric {
                let main = candidates
                let values = main.map { $0.evaluation.mean(against, strategy: spec.strategy) }.filter(\.isFinite)
                let bestMain = bestIndex(problem, main)
                let top = bestMain.map { main[$0].evaluation.mean(against, strategy: spec.strategy) } ?? values.max() ?? 0
                let lowerIsBetter = !(Metrics.byName[against]?.higherIsBetter ?? false)
                if let lo = values.min(), let hi = values.max() {
                    // Caps from the best value seen of the other metric to where the unconstrained optimum sits.
                    let (from, to) = lowerIsBetter ? (lo, max(top, lo)) : (hi, min(top, hi))
                    for j in 0..<spec.frontierPoints {
                        let cap = from + (to - from) * (Double(j) + 0.5) / Double(spec.frontierPoints)
                        let extra = MetricConstraint(metric: against, max: lowerIsBetter ? cap : nil, min: lowerIsBetter ? nil : cap,
                                                     mark: SourceMark(line: 0, column: 0, field: "frontier"))
                        let from = candidates.min { problem.score($0.evaluation, extra: extra) < problem.score($1.evaluation, extra: extra) }!
                        do {
                            try OptimizationSearch.nelderMead(problem, start: from.evaluation.values, extra: extra,
                                                              evaluate: evaluator(.frontier(metric: against, atMost: lowerIsBetter, cap: cap), limit: frontierBudget(spec)))
                        } catch is OptimizationSearch.BudgetSpent {}
                    }
                }
            }
        } catch is ExperimentSession.Stopped {
            stopped = true
        }

        let best = bestIndex(problem, candidates)
        var confirmation: (PointEvaluation, PointEvaluation)?
        if !stopped, let best {
            let fresh = scenario.experiment!.replications..<(2 * scenario.experiment!.replications)
            do {
                confirmation = (try session.evaluate(start, replications: fresh), try session.evaluate(candidates[best].evaluation.values, replications: fresh))
            } catch is ExperimentSession.Stopped { stopped = true }
        }
        let frontier = spec.frontierMetric.map { against in
            OptimizationSearch.paretoFront(candidates.map { ($0.evaluation.mean(spec.objective, strategy: spec.strategy), $0.evaluation.mean(against, strategy: spec.strategy)) },
                                           maximizeObjective: problem.maximize, maximizeOther: Metrics.byName[against]?.higherIsBetter ?? false)
        } ?? []
        let record = ExperimentRecord(kind: "optimize", scenario: scenario, evaluations: session.done, budget: budget(scenario), partial: stopped)
        return Outcome(record: record, problem: problem, candidates: candidates, best: best, start: start,
                              confirmation: confirmation.map { (start: $0.0, best: $0.1) }, frontier: frontier, frontierMetric: spec.frontierMetric)
    }

    /// The best feasible candidate by objective, or the least infeasible when none is feasible.
    public static func bestIndex(_ problem: OptimizationProblem, _ candidates: [Candidate]) -> Int? {
        let feasible = candidates.indices.filter { problem.violation(candidates[$0].evaluation) == 0 }
        if !feasible.isEmpty {
            return feasible.min { a, b in
                let x = candidates[a].evaluation.mean(problem.objective, strategy: problem.strategy)
                let y = candidates[b].evaluation.mean(problem.objective, strategy: problem.strategy)
                return problem.better(x, than: y) || (x == y && a < b)
            }
        }
        return candidates.indices.min { problem.score(candidates[$0].evaluation) < problem.score(candidates[$1].evaluation) }
    }

    /// What the confirmation says of the gain, in plain words: whether the paired 95% CI of
    /// best − start on fresh replications excludes zero on the better side (a gain), on the
    /// worse side (a loss), or spans it (no evidence the tuned parameters are better).
    public enum Verdict: String, Sendable {
        case better, notSignificant = "not_significant", worse, unconfirmed
    }

    public static func verdict(_ o: Outcome) -> Verdict {
        guard o.confirmation != nil else { return .unconfirmed }
        let d = improvement(o)
        guard d.low.isFinite, d.high.isFinite else { return .notSignificant }
        let gain = o.problem.maximize ? d.low > 0 : d.high < 0
        let loss = o.problem.maximize ? d.high < 0 : d.low > 0
        return gain ? .better : loss ? .worse : .notSignificant
    }

    /// The paired improvement of the objective, best − start, on the confirmation replications.
    public static func improvement(_ o: Outcome) -> ConfidenceInterval {
        guard let c = o.confirmation else { return ConfidenceInterval(Moments()) }
        let a = c.best.perReplication[o.problem.strategy]?[o.problem.objective] ?? []
        let b = c.start.perReplication[o.problem.strategy]?[o.problem.objective] ?? []
        var m = Moments()
        for (x, y) in zip(a, b) where x.isFinite && y.isFinite { m.add(x - y) }
        return ConfidenceInterval(m)
    }
}
