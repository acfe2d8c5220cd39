import Foundation
import Stochastics

/// The latent propensity z0 of an account whose grade and days past due a lender's file gives,
/// drawn from its distribution given what the file says, by the generator's own rules.
///
/// The generator (docs/model.md §1) draws z0 ~ N(0, 1) and derives from it, with
/// independent noises ε_g, ε_e ~ N(0, 1):
///
///     grade signal  s_g = ρ_g·z0 + √(1 − ρ_g²)·ε_g,  grade g  ⇔  Φ(s_g) ∈ (C_{g−1}, C_g]
///     entry signal  s_e = ρ_e·z0 + √(1 − ρ_e²)·ε_e,  delinquent ⇔ Φ(s_e) > 1 − δ, and then the
///                   depth (Φ(s_e) − (1 − δ))/δ sets DPD = clamp(⌈−μ·ln(1 − depth)⌉, 1, D_max)
///
/// with C the segment's cumulative grade weights, δ the delinquent share, μ the mean initial
/// DPD. A grade is an interval (a, b] of s_g and a DPD an interval (c, d] of s_e, so
///
///     p(z0 | grade, DPD) ∝ φ(z0) · [Φ((b − ρ_g z0)/σ_g) − Φ((a − ρ_g z0)/σ_g)]
///                                · [Φ((d − ρ_e z0)/σ_e) − Φ((c − ρ_e z0)/σ_e)],   σ = √(1 − ρ²).
///
/// An account 120 DPD thus has a weaker z0 than a current one of the same grade, exactly as the
/// generator would have made it. A factor whose interval has no mass (a grade the segment never
/// draws, delinquency with δ = 0) is left out: the file is believed, the factor is uninformative.
///
/// One inverse-CDF table per (segment, grade, entry class) present in the book, built when the
/// model is compiled; a draw is a binary search and a linear interpolation. The grid has a step
/// of 1/32 on z ∈ [−8, 8]: the posterior density is smooth on that scale (its width is of order
/// one), so a draw is within a few thousandths of the exact quantile, and a book with every
/// segment, grade and DPD class (3 × 5 × 361 by default) needs at most 22 MB of tables.
struct ConditionedPropensity: Sendable {
    struct Stratum: Hashable, Sendable {
        let segment: Int, grade: Int
        /// 0: current; d ≥ 1: d days past due (capped at the generator's largest initial DPD).
        let entry: Int

        init(segment: Int, grade: Int, entry: Int) { self.segment = segment; self.grade = grade; self.entry = entry }

        /// The stratum of a book's account.
        init(_ r: BookRecord, maxInitialDPD: Int) {
            self.init(segment: Int(r.segment), grade: Int(r.grade), entry: ConditionedPropensity.entry(r.dpd, maxInitialDPD: maxInitialDPD))
        }
    }

    /// The entry class of an account `dpd` days past due.
    static func entry(_ dpd: Int32, maxInitialDPD: Int) -> Int { max(0, min(Int(dpd), maxInitialDPD)) }

    /// Grid of z0 on which each posterior CDF is tabulated.
    static let gridLow = -8.0, gridHigh = 8.0, gridPoints = 513

    let index: [Stratum: Int]
    let cdfs: [[Double]]

    init(book: AccountBook, population: PopulationSpec, gradeCumulative: [[Double]], gradeRho: Double, entryRho: Double) {
        var index: [Stratum: Int] = [:]
        var strata: [Stratum] = []
        for profile in book.profiles {
            let s = Stratum(segment: profile.segment, grade: profile.grade, entry: Self.entry(profile.dpd, maxInitialDPD: population.maxInitialDPD))
            if index[s] == nil { index[s] = strata.count; strata.append(s) }
        }
        self.index = index
        cdfs = strata.map { s in
            let grade = Self.gradeInterval(cumulative: gradeCumulative[s.segment], grade: s.grade)
            let entry = Self.entryInterval(s.entry, population: population)
            return Self.posteriorCDF(factors: [(gradeRho, grade), (entryRho, entry)])
        }
    }

    /// z0 for account `i` of `book` from a uniform u ∈ (0, 1).
    func draw(_ u: Double, stratum: Stratum) -> Double {
        let cdf = cdfs[index[stratum]!]
        var lo = 0, hi = cdf.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid } else { hi = mid }
        }
        let step = (Self.gridHigh - Self.gridLow) / Double(Self.gridPoints - 1)
        let width = cdf[hi] - cdf[lo]
        let f = width > 0 ? (u - cdf[lo]) / width : 0.5
        return Self.gridLow + (Double(lo) + f) * step
    }

    /// The interval of the grade signal s_g that gives `grade`, on the normal scale.
    static func gradeInterval(cumulative c: [Double], grade: Int) -> (Double, Double)? {
        let lower = grade == 0 ? 0 : c[grade - 1], upper = c[grade]
        guard upper > lower else { return nil }
        return (StandardNormal.quantile(max(lower, 1e-300)), upper >= 1 ? .infinity : StandardNormal.quantile(upper))
    }

    /// The interval of the entry signal s_e that gives entry class `entry`, on the normal scale.
    static func entryInterval(_ entry: Int, population p: PopulationSpec) -> (Double, Double)? {
        let share = p.delinquentShare
        let lower: Double, upper: Double
        if entry == 0 {
            lower = 0; upper = 1 - share
        } else {
            // depth ∈ (1 − e^{−(d−1)/μ}, 1 − e^{−d/μ}]; the largest class takes every deeper depth.
            let depthLow = entry == 1 ? 0 : -expm1(-Double(entry - 1) / p.initialDPDMean)
            let depthHigh = entry >= p.maxInitialDPD ? 1 : -expm1(-Double(entry) / p.initialDPDMean)
            lower = 1 - share + share * depthLow; upper = 1 - share + share * depthHigh
        }
        guard upper > lower else { return nil }
        return (lower <= 0 ? -.infinity : StandardNormal.quantile(lower), upper >= 1 ? .infinity : StandardNormal.quantile(upper))
    }

    /// The CDF of φ(z)·Π P(signal ∈ interval | z) on the grid, normalised to end at 1.
    static func posteriorCDF(factors: [(rho: Double, interval: (Double, Double)?)]) -> [Double] {
        let step = (gridHigh - gridLow) / Double(gridPoints - 1)
        var density = [Double](repeating: 0, count: gridPoints)
        for k in 0..<gridPoints {
            let z = gridLow + Double(k) * step
            var f = exp(-0.5 * z * z)
            for (rho, interval) in factors {
                guard let (a, b) = interval, rho != 0 else { continue }
                let sigma = (1 - rho * rho).squareRoot()
                if sigma < 1e-9 {
                    f *= (a < rho * z && rho * z <= b) ? 1 : 0
                } else {
                    f *= StandardNormal.cdf((b - rho * z) / sigma) - StandardNormal.cdf((a - rho * z) / sigma)
                }
            }
            density[k] = f
        }
        var cdf = [Double](repeating: 0, count: gridPoints)
        for k in 1..<gridPoints { cdf[k] = cdf[k - 1] + 0.5 * (density[k - 1] + density[k]) }
        let total = cdf[gridPoints - 1]
        guard total > 0 else { return posteriorCDF(factors: []) }
        return cdf.map { $0 / total }
    }
}
