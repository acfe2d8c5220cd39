import CollectionsModel

/// Where and what a run writes.
public struct OutputSpec: Sendable, Hashable {
    /// Parent folder of run folders.
    public var directory: String
    /// Also write one row per account (`accounts.csv`).
    public var exportAccounts: Bool
    /// Also write each account's monthly history in replication 1 (`history.csv`, the format
    /// `collectsim observe` reads).
    public var exportHistory: Bool
    /// Also write every curve's daily value in every replication (`replication_curves.csv`).
    public var exportReplicationCurves = false
    public init(directory: String = "notebooks-out", exportAccounts: Bool = false, exportHistory: Bool = false) {
        self.directory = directory
        self.exportAccounts = exportAccounts
        self.exportHistory = exportHistory
    }
}

/// Stopping by precision (docs/model.md §7): add replications until every target half-width is met.
public struct PrecisionSpec: Sendable, Hashable {
    /// One target: a metric (of all accounts, every strategy) and its largest 95% CI half-width.
    public struct Target: Sendable, Hashable {
        public var metric: String
        public var halfWidth: Double
        /// Where the target was written, for errors found after loading (unknown metric).
        public var line: Int
        public var column: Int
        public init(metric: String, halfWidth: Double, line: Int = 0, column: Int = 0) {
            self.metric = metric; self.halfWidth = halfWidth; self.line = line; self.column = column
        }
        /// Targets are equal when they ask the same thing, wherever they were written.
        public static func == (a: Target, b: Target) -> Bool { a.metric == b.metric && a.halfWidth == b.halfWidth }
        public func hash(into h: inout Hasher) { h.combine(metric); h.combine(halfWidth) }
    }
    public var targets: [Target]
    /// Never run more replications than this.
    public var maxReplications: Int
    /// Replications added per round.
    public var batch: Int
    public init(targets: [Target], maxReplications: Int, batch: Int) {
        self.targets = targets; self.maxReplications = maxReplications; self.batch = batch
    }
}

/// What the report's verdict judges strategies on: an objective metric (net recovery by
/// default) and, optionally, a cap on complaints a strategy must meet to be recommended.
public struct VerdictSpec: Sendable, Hashable {
    public static let defaultObjective = "net_recovery_rate"
    public var objective: String = defaultObjective
    /// Most complaints per 1,000 accounts a recommended strategy may have (nil: no cap).
    public var complaintsCap: Double?
    /// Where the objective was written, for errors found by the analysis that knows metrics.
    public var objectiveMark: (line: Int, column: Int) = (0, 0)

    public init(objective: String = defaultObjective, complaintsCap: Double? = nil) {
        self.objective = objective; self.complaintsCap = complaintsCap
    }

    public static func == (a: VerdictSpec, b: VerdictSpec) -> Bool { a.objective == b.objective && a.complaintsCap == b.complaintsCap }
    public func hash(into h: inout Hasher) { h.combine(objective); h.combine(complaintsCap) }
}

/// A fully resolved, validated scenario: every default filled in. Immutable input to the engine.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var replications: Int
    public var horizonDays: Int
    public var calendar: SimulationCalendar
    public var population: PopulationSpec
    public var parameters: ParameterTable
    public var compliance: ComplianceRules
    /// Strategies in run order; `baseline` names one of them.
    public var strategies: [Strategy]
    public var baseline: String
    public var output: OutputSpec
    /// The report's verdict: objective and optional complaints cap.
    public var verdict = VerdictSpec()
    /// When set, `replications` is the minimum and runs continue until the targets are met.
    public var precision: PrecisionSpec?
    /// The experiments declared for this scenario (`collectsim sweep`, `sensitivity`, `optimize`,
    /// `calibrate`); a plain run ignores it.
    public var experiment: ExperimentSpec?
    /// The file the scenario came from (for errors found after loading).
    public var sourceFile: String = "<scenario>"

    public init(name: String, description: String, seed: UInt64, replications: Int, horizonDays: Int,
                calendar: SimulationCalendar, population: PopulationSpec, parameters: ParameterTable,
                compliance: ComplianceRules, strategies: [Strategy], baseline: String, output: OutputSpec) {
        self.name = name; self.description = description; self.seed = seed; self.replications = replications
        self.horizonDays = horizonDays; self.calendar = calendar; self.population = population
        self.parameters = parameters; self.compliance = compliance; self.strategies = strategies
        self.baseline = baseline; self.output = output
    }

    public var baselineIndex: Int { strategies.firstIndex { $0.name == baseline } ?? 0 }
}

/// Top-level defaults that are not part of the parameter table.
public enum ScenarioDefaults {
    public static let seed: UInt64 = 20_261_123
    public static let replications = 8
    public static let horizonDays = 360
    public static let strategies = ["gentle", "strict", "graded", "personalized"]
    public static let baseline = "graded"
    public static let agencyStrategy = "agency_firm"
}
