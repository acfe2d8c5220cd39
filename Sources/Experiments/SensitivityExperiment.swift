import Analysis
import Foundation
import Scenario

/// `collectsim sensitivity`: Sobol first-order and total indices of the chosen metrics to the
/// chosen factors, by Saltelli sampling, with bootstrap confidence intervals.
public enum SensitivityExperiment {
    public struct Result: Sendable {
        public let strategy: String
        public let metric: String
        public let indices: SobolIndices
    }

    public struct Outcome: ExperimentOutcome {
        public let record: ExperimentRecord
        public let points: [[Double]]
        public let evaluations: [PointEvaluation]
        /// Base samples whose k + 2 evaluations are all complete (all of them unless stopped).
        public let samplesUsed: Int
        public let results: [Result]

        public var spec: SensitivitySpec { record.spec.sensitivity! }
    }

    /// Saltelli's design mapped onto the factors' ranges: N·(k + 2) points.
    public static func points(_ scenario: Scenario) -> [[Double]] {
        ExperimentDesign.sensitivity(scenario.experiment!.sensitivity!)
    }

    public static func run(_ scenario: Scenario, in dir: URL, threads: Int?, stop: StopRequest?, mode: ExperimentSession.Mode = .run,
                           progress: ((ExperimentProgress) -> Void)?) throws -> Outcome {
        let points = self.points(scenario)
        let evaluations = try ExperimentSession.evaluateDesign(points, factors: scenario.experiment!.sensitivity!.factors, of: scenario, in: dir,
                                                               threads: threads, stop: stop, mode: mode, progress: progress)
        return analyze(scenario, points: points, evaluations: evaluations)
    }

    /// The indices from the evaluations made so far (whole base samples only).
    public static func analyze(_ scenario: Scenario, points: [[Double]], evaluations: [PointEvaluation]) -> Outcome {
        let e = scenario.experiment!
        let spec = e.sensitivity!
        let k = spec.factors.count
        let used = evaluations.count / (k + 2)
        var results: [Result] = []
        if used >= 2 {
            let rows = evaluations.prefix(used * (k + 2))
            for s in e.strategies {
                for m in e.metrics {
                    let y = rows.map { $0.mean(m, strategy: s) }
                    guard y.allSatisfy(\.isFinite) else { continue }
                    results.append(Result(strategy: s, metric: m, indices: SobolAnalysis.indices(
                        outputs: y, noiseVariances: noiseVariances(rows, metric: m, strategy: s), factors: k,
                        resamples: spec.bootstrap, confidence: spec.confidence, seed: scenario.seed)))
                }
            }
        }
        let record = ExperimentRecord(kind: "sensitivity", scenario: scenario, evaluations: evaluations.count, budget: points.count,
                                      partial: evaluations.count < points.count)
        return Outcome(record: record, points: points, evaluations: evaluations, samplesUsed: used, results: results)
    }

    /// The Monte Carlo noise of each point's mean that differs between points (see
    /// `ReplicationNoise`); nil when it cannot be estimated (one replication per point).
    static func noiseVariances(_ rows: ArraySlice<PointEvaluation>, metric: String, strategy: String) -> [Double]? {
        ReplicationNoise.varianceOfMeans(rows.map { $0.perReplication[strategy]?[metric] ?? [] })
    }
}
