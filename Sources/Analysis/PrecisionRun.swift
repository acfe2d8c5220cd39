import Engine
import Scenario

/// Runs a scenario, and when it asks for precision (docs/model.md §7) keeps adding replications
/// until every target metric's 95% CI half-width, for every strategy, is at most its target,
/// or `max_replications` is reached. Because a replication depends only on its index, the
/// result equals a plain run with the final number of replications.
public enum PrecisionRun {
    /// The outcome: the run and whether its targets were met (always true without targets).
    public struct Outcome: Sendable {
        /// The replications' tallies.
        public let run: RunResult
        /// What they give: metrics, comparisons, curves and roll rates.
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

    /// Runs `scenario` in memory: its replications, then, under a precision rule, more until the
    /// targets are met (`stop`).
    public static func run(_ scenario: Scenario, threads: Int?, progress: (@Sendable (RunProgress) -> Void)? = nil) throws -> Outcome {
        try validate(scenario)
        let runner = Runner(scenario: scenario, threads: threads)
        var result = runner.run(progress: progress)
        let (replications, targetsMet) = stop(scenario) { boundary -> RunResult in
            if result.replicationsCompleted < boundary {
                result = result.appending(runner.run(replications: result.replicationsCompleted..<boundary, progress: progress))
            }
            return result.prefix(boundary)
        }!
        let final = result.prefix(replications)
        return Outcome(run: final, analysis: Analyzer.analyze(final), targetsMet: targetsMet)
    }

    /// The precision rule, the one loop every way of running a scenario uses: it is checked after
    /// `replications`, then after every `batch` more, up to `max_replications`. `extend(n)`
    /// returns the run's first `n` replications (simulating, reading checkpoints or taking a
    /// prefix of work already done) or nil when the work was stopped first. Returns where the
    /// rule stops and whether the targets were met there, or nil when `extend` was stopped.
    /// Because a replication depends only on its index, every caller stops at the same count.
    public static func stop(_ scenario: Scenario, extend: (Int) throws -> RunResult?) rethrows -> (replications: Int, targetsMet: Bool)? {
        guard var result = try extend(scenario.replications) else { return nil }
        guard let precision = scenario.precision else { return (result.replicationsCompleted, true) }
        while !met(precision, Analyzer.analyze(result)) {
            let done = result.replicationsCompleted
            if done >= precision.maxReplications { return (done, false) }
            guard let more = try extend(min(precision.maxReplications, done + precision.batch)) else { return nil }
            // Work that holds no more replications (a cluster run's) ends the search where it is.
            if more.replicationsCompleted <= done { return (done, false) }
            result = more
        }
        return (result.replicationsCompleted, true)
    }

    /// Where a sequential run of `full`'s scenario stops, read off a run that already holds every
    /// replication it may need (`max_replications` of them, as a cluster run computes): the
    /// precision rule is checked at the same counts on the same replications, so the answer is
    /// the one the sequential run reaches.
    public static func stoppingPoint(_ full: RunResult) -> (replications: Int, targetsMet: Bool) {
        stop(full.scenario) { full.prefix(min($0, full.replicationsCompleted)) }!
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
