import Foundation
import Scenario
import Stochastics

/// Calibration's fit: model parameters fitted to observed aggregates by weighted least squares
/// (GSL's trust-region Levenberg–Marquardt), each with its standard error, and every target's
/// residual. `collectsim calibrate` (`CalibrateExperiment`) runs it through an experiment session.
///
/// Each residual is (model − observed) / σ, where σ² is the observed standard error squared plus
/// the model's own Monte Carlo error at the starting point (fixed for the fit, so the objective
/// does not move under the search). The Jacobian is taken by forward differences of 5% of each
/// range: the model is an average of a finite simulation, smooth only at that scale.
///
/// Standard errors are a sandwich, B·(Jᵀ C J)·B with B = (JᵀJ)⁻¹, because the targets' errors
/// are correlated and the weights are estimates: C is the covariance of the residuals, the
/// observed errors (their standard errors; targets of one source correlated as the model's own
/// targets are, targets of different sources independent) plus the model's Monte Carlo error at
/// the fitted seed, which one population shares across targets. Both correlations are estimated
/// at the fit from `covarianceReplications` replications, more than the search uses. The χ² is
/// rᵀC⁻¹r. A fit that ended on its evaluation budget reports no standard errors: it is not at a
/// minimum, where they would mean something.
public enum CalibrationFit {
    /// Forward-difference step of the Jacobian, on each factor's range scaled to [0, 1].
    static let step = 0.05
    /// Ending of a search cut short by its budget.
    public static let budgetSpent = "evaluation budget spent"

    public struct Parameter: Sendable {
        public let factor: ExperimentFactor
        public let start: Double
        public let estimate: Double
        /// Standard error from the fit's covariance (NaN when it could not be formed).
        public let standardError: Double
    }

    public struct Residual: Sendable {
        public let target: ObservedTarget
        public let modelAtStart: Double
        public let model: Double
        /// The model's Monte Carlo standard error at the fit.
        public let modelError: Double
        /// σ used by the fit.
        public let sigma: Double
        public var residual: Double { (model - target.value) / sigma }
    }

    /// What the fit found.
    public struct Result: Sendable {
        public let parameters: [Parameter]
        public let residuals: [Residual]
        /// rᵀr at the fit and at the start, and rᵀC⁻¹r at the fit.
        public let chiSquare: Double
        public let chiSquareAtStart: Double
        public let correlatedChiSquare: Double
        /// How the search ended: converged, stopped after its iterations, or `budgetSpent`.
        public let ending: String
        /// The parameters' correlation (empty when the fit is not at a minimum).
        public let parameterCorrelation: [[Double]]
    }

    /// Fits `factors` (starting at `start`) so that `statistics` match `targets`, spending at most
    /// `maxEvaluations` evaluations in the search, then one more evaluation on
    /// `covarianceReplications` replications and one per factor for the Jacobian at the fit.
    /// `evaluate(values, replications)` evaluates a point (nil: the experiment's replications);
    /// whatever it throws, such as a stop request, ends the fit.
    public static func fit(targets: [ObservedTarget], statistics: [String], factors: [ExperimentFactor], start startValues: [Double],
                           maxEvaluations: Int, searchReplications: Int, covarianceReplications: Int,
                           evaluate: ([Double], Range<Int>?) throws -> PointEvaluation) throws -> Result {
        // Ranges are wider than a point (the loader refuses low ≥ high), so the maps are exact inverses.
        let problemUnit = factors.unit(of:), fromUnit = factors.values(atUnit:)
        var memo: [[Double]: PointEvaluation] = [:]
        var used = 0
        var limit = maxEvaluations
        func evaluated(_ values: [Double]) throws -> PointEvaluation {
            if let e = memo[values] { return e }
            guard used < limit else { throw OptimizationSearch.BudgetSpent() }
            used += 1
            let e = try evaluate(values, nil)
            memo[values] = e
            return e
        }
        func model(_ e: PointEvaluation, _ i: Int) -> Double { e.mean(statistics[i], strategy: targets[i].strategy) }
        func modelError(_ e: PointEvaluation, _ i: Int) -> Double {
            var m = Moments()
            for v in e.perReplication[targets[i].strategy]?[statistics[i]] ?? [] where v.isFinite { m.add(v) }
            return m.count > 1 ? m.standardError : 0
        }
        let start = try evaluated(startValues)
        let sigma = targets.indices.map { i in (pow(targets[i].standardError, 2) + pow(modelError(start, i), 2)).squareRoot() }
        func residuals(_ values: [Double]) throws -> [Double] {
            let e = try evaluated(values)
            return targets.indices.map { (model(e, $0) - targets[$0].value) / sigma[$0] }
        }
        func jacobian(_ u: [Double], _ r: [Double]) throws -> [[Double]] {
            var columns: [[Double]] = []
            for k in u.indices {
                var v = u.map { min(max($0, 0), 1) }
                let h = v[k] + step <= 1 ? step : -step
                v[k] += h
                let shifted = try residuals(fromUnit(v))
                columns.append(zip(shifted, r).map { ($0 - $1) / h })
            }
            return r.indices.map { i in columns.map { $0[i] } }
        }
        let chiStart = try residuals(startValues).reduce(0) { $0 + $1 * $1 }
        var best = startValues
        var ending = budgetSpent
        do {
            let fit = try LeastSquares.fit(start: problemUnit(startValues), count: targets.count, maxIterations: 200,
                                           residuals: { try residuals(fromUnit($0)) },
                                           jacobian: { u, _ in try jacobian(u, try residuals(fromUnit(u))) })
            best = fromUnit(fit.x)
            ending = ["stopped after 200 iterations", "converged: small step", "converged: small gradient", "converged: small change of χ²"][min(fit.convergence, 3)]
        } catch is OptimizationSearch.BudgetSpent {
            // The best point seen so far stands.
            best = memo.min { a, b in
                let x = targets.indices.reduce(0.0) { $0 + pow((model(a.value, $1) - targets[$1].value) / sigma[$1], 2) }
                let y = targets.indices.reduce(0.0) { $0 + pow((model(b.value, $1) - targets[$1].value) / sigma[$1], 2) }
                return x < y || (x == y && a.key.lexicographicallyPrecedes(b.key))
            }!.key
        }
        let rBest = try residuals(best)
        // The residuals' covariance at the fit, scaled by σ: observed errors correlated as
        // the model's targets are, plus the fit's own Monte Carlo error (its mean over the
        // search's replications), both from one wider evaluation (its own share of the budget).
        limit = used + factors.count + 1
        used += 1
        let count = covarianceReplications
        let wide = try evaluate(best, 0..<count)
        let perReplication = (0..<count).map { r in
            targets.indices.map { i in (wide.perReplication[targets[i].strategy]?[statistics[i]]).map { r < $0.count ? $0[r] : .nan } ?? .nan }
        }
        let monteCarlo = SampleCovariance.matrix(perReplication)
        let correlation = SampleCovariance.correlation(monteCarlo)
        let c = targets.indices.map { a in targets.indices.map { b in
            let observed = targets[a].source == targets[b].source ? correlation[a][b] : a == b ? 1 : 0
            return (targets[a].standardError * targets[b].standardError * observed + monteCarlo[a][b] / Double(searchReplications)) / (sigma[a] * sigma[b])
        } }
        let correlatedChiSquare = SampleCovariance.mahalanobisSquare(rBest, c)
        // Standard errors only at a minimum: the sandwich around the Jacobian at the fit.
        var covariance = Array(repeating: Array(repeating: Double.nan, count: factors.count), count: factors.count)
        if ending != budgetSpent {
            covariance = LeastSquares.sandwichCovariance(jacobian: try jacobian(problemUnit(best), rBest), residualCovariance: c)
        }
        let atBest = try evaluated(best)
        let width = factors.map { $0.range!.upperBound - $0.range!.lowerBound }
        let parameters = factors.indices.map { k in
            Parameter(factor: factors[k], start: startValues[k], estimate: best[k], standardError: width[k] * covariance[k][k].squareRoot())
        }
        let parameterCorrelation = ending == budgetSpent ? [] : SampleCovariance.correlation(covariance)
        let rows = targets.indices.map { i in
            Residual(target: targets[i], modelAtStart: model(start, i), model: model(atBest, i), modelError: modelError(atBest, i), sigma: sigma[i])
        }
        return Result(parameters: parameters, residuals: rows, chiSquare: rBest.reduce(0) { $0 + $1 * $1 },
                      chiSquareAtStart: chiStart, correlatedChiSquare: correlatedChiSquare, ending: ending,
                      parameterCorrelation: parameterCorrelation)
    }
}
