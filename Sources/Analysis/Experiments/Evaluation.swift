import Dispatch
import Engine
import Foundation
import Scenario
import Stochastics
import Synchronization

/// The result of running the model once at one point of an experiment: every metric of every
/// strategy (group "all"), with each replication's value kept so that points can be compared
/// replication by replication (common random numbers) and summaries recomputed exactly.
public struct PointEvaluation: Sendable, Codable, Equatable {
    /// The factor values of this point, in the experiment's factor order.
    public let values: [Double]
    /// `perReplication[strategy][metric]`: one value per replication (NaN when undefined).
    public let perReplication: [String: [String: [Double]]]
    public let borrowerDays: Double
    /// Wall time of the evaluation, scenario set-up included (for ETAs; never in outputs).
    public let seconds: Double

    public init(values: [Double], perReplication: [String: [String: [Double]]], borrowerDays: Double, seconds: Double) {
        self.values = values; self.perReplication = perReplication; self.borrowerDays = borrowerDays; self.seconds = seconds
    }

    /// A metric's mean over replications with its Student-t confidence interval.
    public func estimate(_ metric: String, strategy: String, level: Double = 0.95) -> ConfidenceInterval {
        var m = Moments()
        for v in perReplication[strategy]?[metric] ?? [] where v.isFinite { m.add(v) }
        return Metrics.cut(ConfidenceInterval(m, level: level), to: metric)
    }

    /// The mean of a metric (NaN when undefined in every replication).
    public func mean(_ metric: String, strategy: String) -> Double { estimate(metric, strategy: strategy).mean }

    // Doubles are written as text so that NaN (an undefined metric) survives JSON.
    enum CodingKeys: String, CodingKey { case values, perReplication = "per_replication", borrowerDays = "borrower_days", seconds }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        values = try c.decode([String].self, forKey: .values).map(Self.number)
        perReplication = try c.decode([String: [String: [String]]].self, forKey: .perReplication).mapValues { $0.mapValues { $0.map(Self.number) } }
        borrowerDays = try c.decode(Double.self, forKey: .borrowerDays)
        seconds = try c.decode(Double.self, forKey: .seconds)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(values.map(Self.text), forKey: .values)
        try c.encode(perReplication.mapValues { $0.mapValues { $0.map(Self.text) } }, forKey: .perReplication)
        try c.encode(borrowerDays, forKey: .borrowerDays)
        try c.encode(seconds, forKey: .seconds)
    }

    static func text(_ v: Double) -> String { v.isNaN ? "nan" : "\(v)" }
    static func number(_ s: String) -> Double { s == "nan" ? .nan : Double(s) ?? .nan }
}

/// Turns points of an experiment into runnable scenarios and runs them.
///
/// Every point runs the same replication indices with the same seed and population size, so
/// the model meets the same random numbers at every point (common random numbers): differences
/// between points are differences of the factors, not of the noise.
/// An evaluation abandoned because a stop was asked for before it was complete.
public struct EvaluationStopped: Error {}

public struct ExperimentEvaluator: Sendable {
    public let base: Scenario
    public let spec: ExperimentSpec
    public let factors: [ExperimentFactor]
    public let threads: Int?
    let editor: ScenarioEditor
    /// Quantile tables shared by all points (most points share most tables).
    let tables: QuantileTableCache
    /// Statistics computed per replication besides the metrics (calibration targets), stored
    /// under their names beside the metrics.
    public var statistics: [Statistic] = []
    /// Polled between blocks: an evaluation under way when it says so is abandoned
    /// (`EvaluationStopped`).
    public var shouldStop: (@Sendable () -> Bool)?

    public init(base: Scenario, factors: [ExperimentFactor], threads: Int?) {
        precondition(base.experiment != nil, "an experiment needs the scenario's experiment section")
        self.base = base
        self.spec = base.experiment!
        self.factors = factors
        self.threads = threads
        self.editor = ScenarioEditor(base)
        self.tables = QuantileTableCache(threads: threads)
    }

    /// The scenario run at a point: the factors set, then the experiment's replications,
    /// population and strategies.
    public func scenario(at values: [Double]) throws -> Scenario {
        var s = try editor.scenario(setting: zip(factors, values).map { ($0.path, $1) })
        s.replications = spec.replications
        s.population.size = spec.population
        s.precision = nil
        s.strategies = s.strategies.filter { spec.strategies.contains($0.name) }
        if !spec.strategies.contains(s.baseline) { s.baseline = spec.strategies[0] }
        return s
    }

    /// Where a search or fit starts: each factor's `start`, else the scenario's own value when it
    /// lies in the range, else the middle of the range.
    public func startValues() throws -> [Double] {
        try factors.map { f in
            if let s = f.start { return s }
            let v = try editor.value(at: f.path)
            guard let r = f.range else { return v }
            return r.contains(v) ? v : f.value(atUnit: 0.5)
        }
    }

    /// Borrower-days one evaluation simulates (for budgets and ETAs).
    public static func borrowerDaysPerEvaluation(_ scenario: Scenario) -> Double {
        let spec = scenario.experiment!
        return Double(spec.population) * Double(scenario.horizonDays) * Double(spec.strategies.count) * Double(spec.replications)
    }

    /// Runs the model at one point, on the experiment's replications or on others (a
    /// confirmation run on fresh replications, free of the selection that found the point).
    public func evaluate(_ values: [Double], replications: Range<Int>? = nil) throws -> PointEvaluation {
        let start = DispatchTime.now()
        let s = try scenario(at: values)
        guard let run = Runner(scenario: s, threads: threads, tables: tables).runUnlessStopped(replications: replications, shouldStop: shouldStop) else {
            throw EvaluationStopped()
        }
        var per: [String: [String: [Double]]] = [:]
        for (k, name) in run.strategyNames.enumerated() {
            var metrics: [String: [Double]] = [:]
            for metric in Metrics.all { metrics[metric.name] = run.tallies[k].map { metric.value($0) } }
            for statistic in statistics { metrics[statistic.name] = run.tallies[k].map { statistic.value($0) } }
            per[name] = metrics
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return PointEvaluation(values: values, perReplication: per, borrowerDays: run.borrowerDays, seconds: seconds)
    }

    /// Checks the metric names an experiment uses; errors point at where each was written.
    public static func validate(_ scenario: Scenario) throws {
        guard let e = scenario.experiment else { return }
        func check(_ name: String, _ mark: SourceMark?) throws {
            guard Metrics.byName[name] == nil else { return }
            var msg = "unknown metric '\(name)'"
            if let s = Suggest.closest(to: name, in: Metrics.all.map(\.name)) { msg += "; did you mean '\(s)'?" }
            msg += " (metrics: \(Metrics.all.map(\.name).joined(separator: ", ")))"
            throw ScenarioError(file: scenario.sourceFile, line: mark?.line ?? 0, column: mark?.column ?? 0,
                                field: mark?.field ?? "experiment.metrics", message: msg)
        }
        for (i, m) in e.metrics.enumerated() { try check(m, i < e.metricMarks.count ? e.metricMarks[i] : nil) }
        if let o = e.optimize {
            try check(o.objective, o.marks["objective"])
            for c in o.constraints { try check(c.metric, c.mark) }
            if let f = o.frontierMetric { try check(f, o.marks["frontier.against"]) }
        }
        try validatePoints(scenario)
    }

    /// Refuses an experiment with a point that is not a valid scenario before anything is
    /// evaluated. Loading checked each factor alone at the ends of its range; here the factors
    /// are set together, at every point of a design (sweep, sensitivity) and at every corner of a
    /// search's box (optimize, calibrate), so that `tolerance_min` swept above `tolerance_max`
    /// is caught now rather than hours into the experiment. The error is located at the
    /// experiment's factors in the user's file and names the point.
    public static func validatePoints(_ scenario: Scenario) throws {
        guard let e = scenario.experiment else { return }
        var checks: [(kind: String, factors: [ExperimentFactor], points: [[Double]], what: String)] = []
        if let s = e.sweep { checks.append(("sweep", s.factors, ExperimentDesign.sweep(s), "design point")) }
        if let s = e.sensitivity { checks.append(("sensitivity", s.factors, ExperimentDesign.sensitivity(s), "design point")) }
        if let o = e.optimize { checks.append(("optimize", o.factors, ExperimentDesign.corners(o.factors), "corner of the search range")) }
        if let c = e.calibrate { checks.append(("calibrate", c.factors, ExperimentDesign.corners(c.factors), "corner of the search range")) }
        let editor = ScenarioEditor(scenario)
        for check in checks where !check.factors.isEmpty && !check.points.isEmpty {
            guard let (index, problem) = firstInvalid(check.points, factors: check.factors, editor: editor) else { continue }
            let point = zip(check.factors, check.points[index]).map { "\($0.path.text) = \(ScenarioEditor.format($1))" }.joined(separator: ", ")
            let mark = check.factors[0].mark
            throw ScenarioError(file: scenario.sourceFile, line: mark.line, column: mark.column, field: "experiment.\(check.kind).factors",
                                message: "\(check.what) \(index + 1) of \(check.points.count) (\(point)) is not a valid scenario: \(problem)")
        }
    }

    /// The first point (by index) whose scenario is refused, with the reason; the points are
    /// checked on every core, each a scenario resolved from the shared YAML tree.
    static func firstInvalid(_ points: [[Double]], factors: [ExperimentFactor], editor: ScenarioEditor) -> (Int, String)? {
        let chunks = min(points.count, 64)
        let found = Mutex<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for i in stride(from: chunk, to: points.count, by: chunks) {
                do { _ = try editor.scenario(setting: zip(factors, points[i]).map { ($0.path, $1) }) } catch let e as ScenarioError {
                    found.withLock { $0[i] = e.message }
                    return
                } catch {
                    found.withLock { $0[i] = "\(error)" }
                    return
                }
            }
        }
        return found.withLock { f in f.keys.min().map { ($0, f[$0]!) } }
    }
}
