import Foundation
import Scenario

/// What every experiment's outcome says of itself, whatever its kind: which experiment ran on
/// which scenario, and how far it got. Reports writes its pages and summary.json from it; the
/// registry records it.
public struct ExperimentRecord: Sendable {
    /// "sweep", "sensitivity", "optimize" or "calibrate".
    public let kind: String
    public let scenario: Scenario
    /// `ScenarioHash.model(scenario)`: what the stored evaluations are checked against.
    public let hash: String
    /// Evaluations made (or read back from the folder).
    public let evaluations: Int
    /// Evaluations the experiment planned (a search may end earlier).
    public let budget: Int
    /// True when a stop request ended the experiment before it was complete.
    public let partial: Bool

    public init(kind: String, scenario: Scenario, evaluations: Int, budget: Int, partial: Bool) {
        self.kind = kind
        self.scenario = scenario
        self.hash = ScenarioHash.model(scenario)
        self.evaluations = evaluations
        self.budget = budget
        self.partial = partial
    }

    /// The scenario's experiment section (an experiment's scenario always has one).
    public var spec: ExperimentSpec { scenario.experiment! }
}

/// The outcome of an experiment of any kind.
public protocol ExperimentOutcome: Sendable {
    var record: ExperimentRecord { get }
}
