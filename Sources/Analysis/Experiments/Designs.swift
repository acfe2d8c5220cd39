import Scenario
import Stochastics

/// The points an experiment evaluates, as factor values in factor order. Designs are pure
/// functions of the spec, so a resumed experiment rebuilds exactly the same points.
public enum ExperimentDesign {
    /// Every combination of the factors' grid levels; the last factor varies fastest.
    public static func grid(_ factors: [ExperimentFactor]) -> [[Double]] {
        factors.reduce([[]]) { points, factor in
            points.flatMap { p in factor.gridLevels.map { p + [$0] } }
        }
    }

    /// A space-filling design: the first `count` points of GSL's Sobol sequence (origin skipped),
    /// mapped onto each factor's range.
    public static func sobol(_ factors: [ExperimentFactor], count: Int) -> [[Double]] {
        SobolSequence.points(dimension: factors.count, count: count).map { u in
            zip(factors, u).map { $0.value(atUnit: $1) }
        }
    }

    public static func sweep(_ spec: SweepSpec) -> [[Double]] {
        switch spec.design {
        case .grid: return grid(spec.factors)
        case .sobol: return sobol(spec.factors, count: spec.points)
        }
    }

    /// Saltelli's design mapped onto the factors' ranges: N·(k + 2) points.
    public static func sensitivity(_ spec: SensitivitySpec) -> [[Double]] {
        saltelliUnit(dimension: spec.factors.count, samples: spec.samples).map { u in
            zip(spec.factors, u).map { $0.value(atUnit: $1) }
        }
    }

    /// The corners of the factors' ranges, 2^k points (k ≤ `maxCornerFactors`; none beyond). A
    /// search may visit any point of the box; the scenario's rules that bind several fields
    /// together are inequalities between them (`tolerance_min ≤ tolerance_max`), and such a
    /// rule that fails anywhere in the box fails at a corner.
    public static func corners(_ factors: [ExperimentFactor]) -> [[Double]] {
        guard factors.count <= maxCornerFactors, factors.allSatisfy({ $0.range != nil }) else { return [] }
        return factors.reduce([[]]) { points, factor in
            points.flatMap { p in [p + [factor.value(atUnit: 0)], p + [factor.value(atUnit: 1)]] }
        }
    }

    /// Above this many factors a search's corners (2^k) are too many to check up front.
    public static let maxCornerFactors = 16

    /// Saltelli's design for first-order and total Sobol indices (Saltelli et al. 2010), in
    /// SALib's row order: for each base sample j, the rows A_j, AB⁽¹⁾_j … AB⁽ᵏ⁾_j, B_j, where
    /// AB⁽ⁱ⁾ is A with column i taken from B. A and B are the two halves of a 2k-dimensional
    /// Sobol point. Values are in the unit cube; map them with `ExperimentFactor.value(atUnit:)`.
    public static func saltelliUnit(dimension k: Int, samples n: Int) -> [[Double]] {
        var rows: [[Double]] = []
        rows.reserveCapacity(n * (k + 2))
        for point in SobolSequence.points(dimension: 2 * k, count: n) {
            let a = Array(point[0..<k]), b = Array(point[k..<(2 * k)])
            rows.append(a)
            for i in 0..<k {
                var ab = a
                ab[i] = b[i]
                rows.append(ab)
            }
            rows.append(b)
        }
        return rows
    }
}
