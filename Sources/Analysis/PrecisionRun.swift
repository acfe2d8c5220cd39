import Engine
import Scenario

/// Runs a scenario, and when it asks for precision (docs/model.md §7) keeps adding replications
/// until every target metric's 95% CI half-width, for every strategy, is at most its target,
/// or `max_replications` is reached. Because a replication depends only on its index, the
/// result equals a plain run with the final number of replications.
public enum PrecisionRun {
    /// The outcome: the run and whether its targets were met (always true without targets).
    public struct Outcome: Sendable {
        public let run: RunResult
        public let analysis: AnalysisResult
        public let targetsMet: Bool
    }

    /// Checks that every target names a known metric; errors point at the target in the file.
    public static func validate(_ scenario: Scenario) throws {
        let objective = scenario.verdict.objective
        if Metrics.byName[objective] == nil {
            var msg = "unknown metric '\(objective)'"
            if let s = Suggest.closest(to: objective, in: Metrics.all.map(\.name)) { msg += "; did you mean '\(s)'?" }
            throw ScenarioError(file: scenario.sourceFile, line: scenario.verdict.objectiveMark.line, column: scenario.verdict.objectiveMark.column,
                                field: "verdict.objective", message: msg + " (metrics: \(Metrics.all.map(\.name).joined(separator: ", ")))")
        }
        for t in scenario.precision?.targets ?? [] where Metrics.byName[t.metric] == nil {
            var msg = "unknown metric '\(t.metric)'"
            if let s = Suggest.closest(to: t.metric, in: Metrics.all.map(\.name)) { msg += "; did you mean '\(s)'?" }
            throw ScenarioError(file: scenario.sourceFile, line: t.line, column: t.column,
                                field: "precision.targets.\(t.metric)", message: msg)
        }
    }

    public static func run(_ scenario: Scenario, threads: Int?, progress: (@Sendable (RunProgress) -> Void)? = nil) throws -> Outcome {
        try validate(scenario)
        let runner = Runner(scenario: scenario, threads: threads)
        var result = runner.run(progress: progress)
        var analysis = Analyzer.analyze(result)
        guard let precision = scenario.precision else { return Outcome(run: result, analysis: analysis, targetsMet: true) }
        while !met(precision, analysis), result.replicationsCompleted < precision.maxReplications {
            let start = result.replicationsCompleted
            let end = min(precision.maxReplications, start + precision.batch)
            result = result.appending(runner.run(replications: start..<end, progress: progress))
            analysis = Analyzer.analyze(result)
        }
        return Outcome(run: result, analysis: analysis, targetsMet: met(precision, analysis))
    }

    /// Where a sequential run of `full`'s scenario stops, read off a run that already holds every
    /// replication it may need (`max_replications` of them, as a cluster run computes): the
    /// precision rule is checked at the same counts (`replications`, then every `batch`) on the
    /// same replications, so the answer is the one the sequential run reaches.
    public static func stoppingPoint(_ full: RunResult) -> (replications: Int, targetsMet: Bool) {
        let s = full.scenario
        guard let precision = s.precision else { return (min(s.replications, full.replicationsCompleted), true) }
        var boundary = min(s.replications, full.replicationsCompleted)
        while true {
            if met(precision, Analyzer.analyze(full.prefix(boundary))) { return (boundary, true) }
            if boundary >= min(precision.maxReplications, full.replicationsCompleted) { return (boundary, false) }
            boundary = min(precision.maxReplications, full.replicationsCompleted, boundary + precision.batch)
        }
    }

    /// Replications a run may need: `max_replications` under a precision rule, else `replications`.
    public static func replicationsNeeded(_ s: Scenario) -> Int { s.precision.map { max($0.maxReplications, s.replications) } ?? s.replications }

    /// Whether every target's CI half-width is met for every strategy.
    public static func met(_ p: PrecisionSpec, _ a: AnalysisResult) -> Bool {
        p.targets.allSatisfy { t in
            a.strategies.allSatisfy { s in
                guard let e = a.metricEstimate(t.metric, strategy: s), e.interval.n > 1 else { return false }
                return e.halfWidth <= t.halfWidth
            }
        }
    }
}
