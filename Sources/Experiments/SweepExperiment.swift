import Analysis
import Foundation
import Scenario
import Stochastics

/// `collectsim sweep`: evaluates every point of the scenario's sweep design, each on the same
/// replications (common random numbers), and finds each metric's best point.
public enum SweepExperiment {
    public struct Outcome: ExperimentOutcome {
        public let record: ExperimentRecord
        public let points: [[Double]]
        public let evaluations: [PointEvaluation]
        public var partial: Bool { record.partial }
    }

    /// The design's points (a pure function of the scenario).
    public static func points(_ scenario: Scenario) -> [[Double]] {
        ExperimentDesign.sweep(scenario.experiment!.sweep!)
    }

    public static func run(_ scenario: Scenario, in dir: URL, threads: Int?, stop: StopRequest?, mode: ExperimentSession.Mode = .run,
                           progress: ((ExperimentProgress) -> Void)?) throws -> Outcome {
        let points = self.points(scenario)
        let evaluations = try ExperimentSession.evaluateDesign(points, factors: scenario.experiment!.sweep!.factors, of: scenario, in: dir,
                                                               threads: threads, stop: stop, mode: mode, progress: progress)
        let record = ExperimentRecord(kind: "sweep", scenario: scenario, evaluations: evaluations.count, budget: points.count,
                                      partial: evaluations.count < points.count)
        return Outcome(record: record, points: points, evaluations: evaluations)
    }

    /// The best point of a metric for a strategy, and how many points share its value.
    public struct Best: Sendable {
        /// The first point with the best mean.
        public let point: Int
        public let interval: ConfidenceInterval
        /// Points whose mean equals the best (1 when it is unique).
        public let tied: Int
        /// Every point gave the same replications: no factor reaches this strategy (or this
        /// metric of it), so there is no best point to name.
        public let unaffected: Bool
    }

    public static func best(_ o: Outcome, metric: String, strategy: String) -> Best? {
        let higher = Metrics.byName[metric]?.higherIsBetter ?? true
        var best: (Int, ConfidenceInterval)?
        for (i, e) in o.evaluations.enumerated() {
            let ci = e.estimate(metric, strategy: strategy)
            guard ci.mean.isFinite else { continue }
            if best == nil || (higher ? ci.mean > best!.1.mean : ci.mean < best!.1.mean) { best = (i, ci) }
        }
        guard let (point, interval) = best else { return nil }
        let tied = o.evaluations.filter { $0.estimate(metric, strategy: strategy).mean == interval.mean }.count
        // Common random numbers: a strategy no factor touches gives bit-identical replications.
        let first = o.evaluations[0].perReplication[strategy]?[metric]
        let unaffected = o.evaluations.count > 1 && o.evaluations.allSatisfy { e in
            let values = e.perReplication[strategy]?[metric]
            return values?.count == first?.count && zip(values ?? [], first ?? []).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
        return Best(point: point, interval: interval, tied: tied, unaffected: unaffected)
    }

}
