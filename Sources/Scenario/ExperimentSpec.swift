/// Where something was written in the scenario file, for errors found after loading (an unknown
/// metric name is checked by the analysis that knows metrics).
public struct SourceMark: Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var field: String
    public init(line: Int, column: Int, field: String) { self.line = line; self.column = column; self.field = field }
}

/// One scenario field an experiment varies.
public struct ExperimentFactor: Sendable, Hashable {
    public var path: ScenarioPath
    /// Explicit levels (grid designs).
    public var values: [Double]?
    /// The interval searched or sampled.
    public var range: ClosedRange<Double>?
    /// Grid levels spread evenly over `range` (grid designs without `values`).
    public var steps: Int
    /// Where an optimisation or calibration starts (default: the scenario's own value, or the
    /// middle of the range).
    public var start: Double?
    /// Only whole numbers (a field such as `every_days`); found by validation when loading.
    public var integer: Bool
    public var mark: SourceMark

    public init(path: ScenarioPath, values: [Double]? = nil, range: ClosedRange<Double>? = nil, steps: Int = 5,
                start: Double? = nil, integer: Bool = false, mark: SourceMark) {
        self.path = path; self.values = values; self.range = range; self.steps = steps
        self.start = start; self.integer = integer; self.mark = mark
    }

    /// The levels of a grid design, in order.
    public var gridLevels: [Double] {
        if let values { return values }
        guard let r = range else { return [] }
        if steps == 1 { return [(r.lowerBound + r.upperBound) / 2] }
        var levels = (0..<steps).map { r.lowerBound + (r.upperBound - r.lowerBound) * Double($0) / Double(steps - 1) }
        if integer { levels = Array(Set(levels.map { $0.rounded() })).sorted() }
        return levels
    }

    /// A point of the unit interval mapped onto the range (rounded for whole-number fields).
    public func value(atUnit u: Double) -> Double {
        guard let r = range else { return values?.first ?? .nan }
        let v = r.lowerBound + u * (r.upperBound - r.lowerBound)
        return integer ? min(max(v.rounded(), r.lowerBound.rounded(.up)), r.upperBound.rounded(.down)) : v
    }

    /// Where a value lies on the unit interval of the range: the inverse of `value(atUnit:)`
    /// (0.5 without a range of some width).
    public func unit(of value: Double) -> Double {
        guard let r = range, r.upperBound > r.lowerBound else { return 0.5 }
        return (value - r.lowerBound) / (r.upperBound - r.lowerBound)
    }
}

extension Array where Element == ExperimentFactor {
    /// The factors' values at a point of the unit cube, clamped into it (whole numbers rounded).
    public func values(atUnit u: [Double]) -> [Double] {
        zip(self, u).map { $0.value(atUnit: Swift.min(Swift.max($1, 0), 1)) }
    }

    /// The point of the unit cube of the factors' values.
    public func unit(of values: [Double]) -> [Double] { zip(self, values).map { $0.unit(of: $1) } }
}

/// `experiment.sweep`: evaluate every point of a grid or of a Sobol design.
public struct SweepSpec: Sendable, Hashable {
    public enum Design: String, Sendable, Hashable, CaseIterable { case grid, sobol }
    public var design: Design
    /// Points of a Sobol design.
    public var points: Int
    public var factors: [ExperimentFactor]
    public init(design: Design, points: Int, factors: [ExperimentFactor]) {
        self.design = design; self.points = points; self.factors = factors
    }
}

/// `experiment.sensitivity`: Sobol indices by Saltelli sampling.
public struct SensitivitySpec: Sendable, Hashable {
    /// Base samples N; the design has N·(k + 2) points for k factors.
    public var samples: Int
    public var bootstrap: Int
    public var confidence: Double
    public var factors: [ExperimentFactor]
    public init(samples: Int, bootstrap: Int, confidence: Double, factors: [ExperimentFactor]) {
        self.samples = samples; self.bootstrap = bootstrap; self.confidence = confidence; self.factors = factors
    }
}

/// A bound on a metric that an optimum must respect.
public struct MetricConstraint: Sendable, Hashable {
    public var metric: String
    public var max: Double?
    public var min: Double?
    public var mark: SourceMark
    public init(metric: String, max: Double?, min: Double?, mark: SourceMark) {
        self.metric = metric; self.max = max; self.min = min; self.mark = mark
    }
}

/// `experiment.optimize`: search a strategy's numeric parameters.
public struct OptimizeSpec: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable, CaseIterable { case nelderMead = "nelder_mead", crossEntropy = "cross_entropy" }
    public var strategy: String
    public var objective: String
    /// Maximise (true) or minimise; default from the metric's direction.
    public var maximize: Bool?
    public var method: Method
    public var maxEvaluations: Int
    public var constraints: [MetricConstraint]
    /// The metric traded against the objective on the Pareto frontier, and how many caps to trace.
    public var frontierMetric: String?
    public var frontierPoints: Int
    public var factors: [ExperimentFactor]
    public var marks: [String: SourceMark]
    public init(strategy: String, objective: String, maximize: Bool?, method: Method, maxEvaluations: Int,
                constraints: [MetricConstraint], frontierMetric: String?, frontierPoints: Int, factors: [ExperimentFactor],
                marks: [String: SourceMark]) {
        self.strategy = strategy; self.objective = objective; self.maximize = maximize; self.method = method
        self.maxEvaluations = maxEvaluations; self.constraints = constraints; self.frontierMetric = frontierMetric
        self.frontierPoints = frontierPoints; self.factors = factors; self.marks = marks
    }
}

/// `experiment.calibrate`: fit model parameters to observed aggregates.
public struct CalibrateSpec: Sendable, Hashable {
    public var strategy: String
    public var maxEvaluations: Int
    /// The observed file named in the scenario (the command line's `--observed` wins).
    public var observed: String?
    public var factors: [ExperimentFactor]
    public var marks: [String: SourceMark]
    public init(strategy: String, maxEvaluations: Int, observed: String?, factors: [ExperimentFactor], marks: [String: SourceMark]) {
        self.strategy = strategy; self.maxEvaluations = maxEvaluations; self.observed = observed
        self.factors = factors; self.marks = marks
    }
}

/// A scenario's `experiment:` section: how each evaluation is run, and the four experiment kinds.
public struct ExperimentSpec: Sendable, Hashable {
    /// Replications per evaluation (the same replication indices at every point: common random numbers).
    public var replications: Int
    /// Accounts per evaluation.
    public var population: Int
    /// Strategies run at each point.
    public var strategies: [String]
    /// Metrics reported (every metric is computed; these are the ones charted and tabled).
    public var metrics: [String]
    public var metricMarks: [SourceMark]
    public var sweep: SweepSpec?
    public var sensitivity: SensitivitySpec?
    public var optimize: OptimizeSpec?
    public var calibrate: CalibrateSpec?

    public init(replications: Int, population: Int, strategies: [String], metrics: [String], metricMarks: [SourceMark]) {
        self.replications = replications; self.population = population; self.strategies = strategies
        self.metrics = metrics; self.metricMarks = metricMarks
    }

    /// Every factor the declared experiments vary, kind by kind (a path may appear under several).
    public var allFactors: [ExperimentFactor] {
        (sweep?.factors ?? []) + (sensitivity?.factors ?? []) + (optimize?.factors ?? []) + (calibrate?.factors ?? [])
    }

    public static let defaultMetrics = ["recovery_rate", "net_recovery_rate", "complaints_per_1000", "default_rate", "cost_per_account"]
}
