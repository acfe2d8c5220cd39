import Foundation
import Stochastics
import Yams

/// Reading a scenario's `experiment:` section. Factor paths are checked against the scenario
/// they vary: each must name a number, and each end of its range must give a valid scenario.
extension ScenarioLoader {
    static let experimentKeys = ExperimentFields.experiment.names + ["strategies", "metrics", "sweep", "sensitivity", "optimize", "calibrate"]
    static let factorKeys = ["path", "values", "range", "steps", "start"]

    static func parseExperiment(_ v: YAMLValue, scenario: Scenario) throws -> ExperimentSpec {
        let entries = try v.mapping(allowed: experimentKeys)
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let names = scenario.strategies.map(\.name)
        var strategies = names
        if let s = map["strategies"] {
            let items = try s.node.isSequence ? s.sequence() : [s]
            strategies = try items.map { try strategyName($0, in: names) }
            guard !strategies.isEmpty else { throw s.error("expected at least one strategy") }
        }
        var metrics = ExperimentSpec.defaultMetrics
        var metricMarks: [SourceMark] = []
        if let m = map["metrics"] {
            let items = try m.sequence()
            guard !items.isEmpty else { throw m.error("expected at least one metric name") }
            metrics = try items.map { try $0.string() }
            metricMarks = items.map(mark)
        }
        var spec = ExperimentSpec(replications: scenario.replications, population: scenario.population.size,
                                  strategies: strategies, metrics: metrics, metricMarks: metricMarks)
        for (key, value, _) in entries { _ = try ExperimentFields.experiment.readIfDeclared(key, value, into: &spec) }
        let editor = ScenarioEditor(scenario)
        if let s = map["sweep"] { spec.sweep = try parseSweep(s, editor: editor) }
        if let s = map["sensitivity"] { spec.sensitivity = try parseSensitivity(s, editor: editor) }
        if let s = map["optimize"] { spec.optimize = try parseOptimize(s, editor: editor, strategies: strategies) }
        if let s = map["calibrate"] { spec.calibrate = try parseCalibrate(s, editor: editor, strategies: strategies) }
        return spec
    }

    static func mark(_ v: YAMLValue) -> SourceMark { SourceMark(line: v.line, column: v.column, field: v.path) }

    static func strategyName(_ v: YAMLValue, in names: [String]) throws -> String {
        let name = try v.string()
        guard names.contains(name) else {
            var msg = "unknown strategy '\(name)'"
            if let s = Suggest.closest(to: name, in: names) { msg += "; did you mean '\(s)'?" }
            throw v.error(msg + " (the scenario's strategies: \(names.joined(separator: ", ")))")
        }
        return name
    }

    static func parseSweep(_ v: YAMLValue, editor: ScenarioEditor) throws -> SweepSpec {
        var spec = SweepSpec(design: .grid, points: 16, factors: [])
        let map = Dictionary(try ExperimentFields.sweep.read(v, into: &spec, others: ["factors"]).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let factors = try parseFactors(map["factors"], in: v, editor: editor, needsRange: spec.design == .sobol, allowsValues: spec.design == .grid)
        spec.factors = factors
        if spec.design == .grid {
            let count = factors.reduce(1) { $0 * max($1.gridLevels.count, 1) }
            guard count <= 100_000 else { throw (map["factors"] ?? v).error("the grid has \(count) points; at most 100000 (use design: sobol for many factors)") }
        } else if factors.count > SobolSequence.maxDimension {
            throw (map["factors"] ?? v).error("a Sobol design takes at most \(SobolSequence.maxDimension) factors, found \(factors.count)")
        }
        return spec
    }

    static func parseSensitivity(_ v: YAMLValue, editor: ScenarioEditor) throws -> SensitivitySpec {
        var spec = SensitivitySpec(samples: 64, bootstrap: 1000, confidence: 0.95, factors: [])
        let map = Dictionary(try ExperimentFields.sensitivity.read(v, into: &spec, others: ["factors"]).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        let factors = try parseFactors(map["factors"], in: v, editor: editor, needsRange: true, allowsValues: false)
        guard factors.count >= 2 else { throw (map["factors"] ?? v).error("expected at least 2 factors (indices apportion variance among factors)") }
        guard 2 * factors.count <= SobolSequence.maxDimension else {
            throw (map["factors"] ?? v).error("Saltelli sampling takes at most \(SobolSequence.maxDimension / 2) factors, found \(factors.count)")
        }
        spec.factors = factors
        return spec
    }

    static func parseOptimize(_ v: YAMLValue, editor: ScenarioEditor, strategies: [String]) throws -> OptimizeSpec {
        let entries = try v.mapping(allowed: ExperimentFields.optimize.names + ["strategy", "objective", "direction", "constraints", "frontier", "factors"])
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var marks: [String: SourceMark] = [:]
        for (k, value, _) in entries { marks[k] = mark(value) }
        let strategy = try map["strategy"].map { try strategyName($0, in: strategies) } ?? strategies[0]
        let objective = try map["objective"]?.string() ?? "net_recovery_rate"
        let maximize = try map["direction"].map { try $0.choice(["maximize", "minimize"], what: "direction") == "maximize" }
        var constraints: [MetricConstraint] = []
        if let c = map["constraints"] {
            for item in try c.sequence() {
                var metric: String?, upper: Double?, lower: Double?
                for (k, x, _) in try item.mapping(allowed: ["metric", "max", "min"]) {
                    switch k {
                    case "metric": metric = try x.string()
                    case "max": upper = try x.double()
                    case "min": lower = try x.double()
                    default: preconditionFailure("constraint key '\(k)' is allowed but not read")
                    }
                }
                guard let metric else { throw item.error("missing 'metric'", field: "\(item.path).metric") }
                guard upper != nil || lower != nil else { throw item.error("expected 'max' or 'min' (or both)") }
                constraints.append(MetricConstraint(metric: metric, max: upper, min: lower, mark: mark(item)))
            }
        }
        var frontierMetric: String?
        var frontierPoints = 0
        if let f = map["frontier"] {
            for (k, x, _) in try f.mapping(allowed: ["against", "points"]) {
                if k == "against" { frontierMetric = try x.string(); marks["frontier.against"] = mark(x) } else { frontierPoints = try x.int(in: 2...50, what: "frontier points") }
            }
            if frontierMetric == nil { throw f.error("missing 'against': the metric traded against the objective", field: "\(f.path).against") }
            if frontierPoints == 0 { frontierPoints = 5 }
        }
        let factors = try parseFactors(map["factors"], in: v, editor: editor, needsRange: true, allowsValues: false)
        var spec = OptimizeSpec(strategy: strategy, objective: objective, maximize: maximize, method: .nelderMead, maxEvaluations: 60,
                                constraints: constraints, frontierMetric: frontierMetric, frontierPoints: frontierPoints,
                                factors: factors, marks: marks)
        for (key, value, _) in entries { _ = try ExperimentFields.optimize.readIfDeclared(key, value, into: &spec) }
        return spec
    }

    static func parseCalibrate(_ v: YAMLValue, editor: ScenarioEditor, strategies: [String]) throws -> CalibrateSpec {
        let entries = try v.mapping(allowed: ExperimentFields.calibrate.names + ["strategy", "observed", "factors"])
        let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var marks: [String: SourceMark] = [:]
        for (k, value, _) in entries { marks[k] = mark(value) }
        var spec = CalibrateSpec(strategy: try map["strategy"].map { try strategyName($0, in: strategies) } ?? strategies[0],
                                 maxEvaluations: 80, observed: try map["observed"]?.string(),
                                 factors: try parseFactors(map["factors"], in: v, editor: editor, needsRange: true, allowsValues: false),
                                 marks: marks)
        for (key, value, _) in entries { _ = try ExperimentFields.calibrate.readIfDeclared(key, value, into: &spec) }
        return spec
    }

    /// A list of factors, each checked against the scenario: the path names a number, and both
    /// ends of the range (or every listed value) give a valid scenario.
    static func parseFactors(_ v: YAMLValue?, in parent: YAMLValue, editor: ScenarioEditor, needsRange: Bool, allowsValues: Bool) throws -> [ExperimentFactor] {
        guard let v else { throw parent.error("missing 'factors': the scenario fields to vary", field: "\(parent.path).factors") }
        let items = try v.sequence()
        guard !items.isEmpty else { throw v.error("expected at least one factor") }
        var factors: [ExperimentFactor] = []
        var seen = Set<String>()
        for item in items {
            let entries = try item.mapping(allowed: factorKeys)
            let map = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            guard let p = map["path"] else { throw item.error("missing 'path': the scenario field to vary, e.g. model.capacity.macro_stress", field: "\(item.path).path") }
            let path: ScenarioPath
            do {
                path = try ScenarioPath(try p.string())
                _ = try editor.value(at: path)
            } catch let e as ScenarioPath.PathError {
                throw p.error(e.message)
            }
            guard seen.insert(path.text).inserted else { throw p.error("the path '\(path.text)' is varied twice") }
            var factor = ExperimentFactor(path: path, mark: mark(item))
            if let values = map["values"] {
                guard allowsValues else { throw values.error("this experiment searches a range; give 'range: [low, high]' instead of values") }
                let list = try values.sequence()
                guard !list.isEmpty else { throw values.error("expected at least one value") }
                factor.values = try list.map { try $0.double() }
            }
            if let r = map["range"] {
                let (lo, hi) = try doubleRange(r, limits: -1e15...1e15)
                guard lo < hi else { throw r.error("expected [low, high] with low < high") }
                factor.range = lo...hi
            }
            if let s = map["steps"] { factor.steps = try s.int(in: 1...10_000, what: "grid levels") }
            if let s = map["start"] {
                factor.start = try s.double()
                if let r = factor.range, !r.contains(factor.start!) { throw s.error("expected a start inside the range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))], found \(fmt(factor.start!))") }
            }
            if factor.values == nil && factor.range == nil {
                throw item.error(needsRange ? "missing 'range: [low, high]'" : "expected 'values: [..]' or 'range: [low, high]'", field: "\(item.path).range")
            }
            if needsRange && factor.range == nil { throw item.error("missing 'range: [low, high]'", field: "\(item.path).range") }
            // Whole-number fields are sampled in whole numbers; every end must be accepted.
            do { factor.integer = try editor.takesWholeNumbers(path) } catch let e as ScenarioError {
                throw p.error("the scenario is not valid with this field changed: \(e.message)")
            }
            let at = map["values"] ?? map["range"]!
            let probes = factor.values ?? [factor.range!.lowerBound, factor.range!.upperBound]
            for x in probes {
                if factor.integer && x != x.rounded() && factor.values != nil {
                    throw at.error("'\(path.text)' takes whole numbers, found \(fmt(x))")
                }
                do { _ = try editor.scenario(setting: [(path, factor.integer ? x.rounded() : x)]) } catch let e as ScenarioError {
                    throw at.error("\(path.text) = \(fmt(x)) is not a valid scenario: \(e.message)")
                }
            }
            factors.append(factor)
        }
        return factors
    }
}

extension Yams.Node {
    var isSequence: Bool { if case .sequence = self { return true } else { return false } }
}
