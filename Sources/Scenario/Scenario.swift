import CollectionsModel

/// Where and what a run writes.
public struct OutputSpec: Sendable, Hashable {
    /// Parent folder of run folders.
    public var directory: String
    /// Also write one row per account (`accounts.csv`).
    public var exportAccounts: Bool
    public init(directory: String = "notebooks-out", exportAccounts: Bool = false) {
        self.directory = directory
        self.exportAccounts = exportAccounts
    }
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
