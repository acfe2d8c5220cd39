import Analysis
import Foundation
import Scenario
import Stochastics
import Storage

/// `collectsim calibrate`: runs the fit of `CalibrationFit` (Analysis) on the scenario's factors
/// against an observed file, through an `ExperimentSession` (checkpoints and resume), keeping a
/// copy of the observed file as `observed.csv` for the resume.
public enum CalibrateExperiment {
    public static let observedCopy = "observed.csv"
    /// Ending of a search cut short by its budget.
    public static let budgetSpent = CalibrationFit.budgetSpent
    /// Parameters correlated beyond this are reported as identified only jointly.
    public static let jointlyIdentified = 0.9

    /// Replications of the one evaluation at the fit that estimates the targets' covariance:
    /// enough for a covariance of a few dozen targets, and never fewer than the search's.
    public static func covarianceReplications(_ spec: ExperimentSpec) -> Int { max(spec.replications, 24) }

    public typealias Parameter = CalibrationFit.Parameter
    public typealias Residual = CalibrationFit.Residual

    public struct Outcome: ExperimentOutcome {
        public let record: ExperimentRecord
        public let parameters: [Parameter]
        public let residuals: [Residual]
        /// Σ r², the weighted sum of squares the search minimised.
        public let chiSquare: Double
        public let chiSquareAtStart: Double
        /// rᵀC⁻¹r with the residuals' covariance C (NaN when C could not be estimated): the χ²
        /// the p-value is of.
        public let correlatedChiSquare: Double
        public let degreesOfFreedom: Int
        /// Why the fit ended: "converged (small step)", "evaluation budget spent", …
        public let ending: String
        /// Correlations between the fitted parameters (empty without standard errors).
        public let parameterCorrelation: [[Double]]

        public var pValue: Double {
            degreesOfFreedom > 0 && correlatedChiSquare.isFinite ? ChiSquare.upperTail(correlatedChiSquare, degreesOfFreedom: Double(degreesOfFreedom)) : .nan
        }
        /// √(χ²/dof) when above 1: how much wider the errors are if the misfit is taken as noise.
        public var errorScale: Double {
            degreesOfFreedom > 0 && correlatedChiSquare.isFinite ? max(1, (correlatedChiSquare / Double(degreesOfFreedom)).squareRoot()) : .nan
        }
        /// Pairs of parameters the targets identify only together.
        public var jointlyIdentified: [(Parameter, Parameter, Double)] {
            parameterCorrelation.indices.flatMap { a in (a + 1..<parameterCorrelation.count).compactMap { b in
                abs(parameterCorrelation[a][b]) > CalibrateExperiment.jointlyIdentified ? (parameters[a], parameters[b], parameterCorrelation[a][b]) : nil
            } }
        }
    }

    /// Evaluations planned: the search, and at its end the Jacobian and one evaluation on
    /// `covarianceReplications` replications for the targets' covariance.
    public static func budget(_ scenario: Scenario) -> Int {
        let c = scenario.experiment!.calibrate!
        return c.maxEvaluations + c.factors.count + 1
    }

    /// Calibration fits continuous parameters; a whole-number field has no derivative.
    public static func validate(_ scenario: Scenario) throws {
        guard let c = scenario.experiment?.calibrate else { return }
        for f in c.factors where f.integer {
            throw ScenarioError(file: scenario.sourceFile, line: f.mark.line, column: f.mark.column, field: f.mark.field + ".path",
                                message: "calibration fits continuous parameters, and '\(f.path.text)' takes whole numbers; sweep it instead")
        }
    }

    public static func run(_ scenario: Scenario, observed: String, in dir: URL, threads: Int?, stop: StopRequest?, mode: ExperimentSession.Mode = .run,
                           progress: ((ExperimentProgress) -> Void)?) throws -> Outcome {
        let spec = scenario.experiment!.calibrate!
        let experiment = scenario.experiment!
        let targets = try ObservedData.load(path: observed, strategy: spec.strategy, strategies: experiment.strategies,
                                              groups: Analyzer.groupNames(scenario), horizon: scenario.horizonDays)
        let copy = dir.appendingPathComponent(observedCopy)
        if URL(fileURLWithPath: observed).standardizedFileURL != copy.standardizedFileURL {
            try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: observed)), to: copy)
        }
        let factors = spec.factors
        guard targets.count >= factors.count else {
            throw ScenarioError(file: observed, line: 1, column: 1, field: "",
                                message: "\(targets.count) observed targets cannot determine \(factors.count) parameters; observe at least as many aggregates as parameters")
        }
        var evaluator = ExperimentEvaluator(base: scenario, factors: factors, threads: threads)
        evaluator.statistics = targets.map { $0.statistic(horizon: scenario.horizonDays) }
        let session = ExperimentSession(evaluator: evaluator, dir: dir, budget: budget(scenario), stop: stop, mode: mode, progress: progress)
        let names = evaluator.statistics.map(\.name)
        let startValues = try evaluator.startValues()

        var outcome: Outcome?
        do {
            let fit = try CalibrationFit.fit(targets: targets, statistics: names, factors: factors, start: startValues,
                                             maxEvaluations: spec.maxEvaluations, searchReplications: experiment.replications,
                                             covarianceReplications: covarianceReplications(experiment)) { values, replications in
                try session.evaluate(values, replications: replications)
            }
            let record = ExperimentRecord(kind: "calibrate", scenario: scenario, evaluations: session.done, budget: budget(scenario), partial: false)
            outcome = Outcome(record: record, parameters: fit.parameters, residuals: fit.residuals, chiSquare: fit.chiSquare,
                              chiSquareAtStart: fit.chiSquareAtStart, correlatedChiSquare: fit.correlatedChiSquare,
                              degreesOfFreedom: targets.count - factors.count, ending: fit.ending, parameterCorrelation: fit.parameterCorrelation)
        } catch is ExperimentSession.Stopped {
            let record = ExperimentRecord(kind: "calibrate", scenario: scenario, evaluations: session.done, budget: budget(scenario), partial: true)
            outcome = Outcome(record: record, parameters: [], residuals: [], chiSquare: .nan, chiSquareAtStart: .nan, correlatedChiSquare: .nan,
                              degreesOfFreedom: targets.count - factors.count, ending: "stopped", parameterCorrelation: [])
        }
        return outcome!
    }
}
