import CGSL
import Dispatch
import Foundation
import Synchronization

/// The standard normal distribution, reached through GSL's CDF and quantile functions.
public enum StandardNormal {
    /// Φ⁻¹(p) for p in (0, 1).
    @inlinable
    public static func quantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

    /// Φ(x).
    @inlinable
    public static func cdf(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }
}

/// A Beta(α, β) distribution on [0, 1].
public struct BetaDistribution: Hashable, Sendable {
    public let alpha: Double
    public let beta: Double

    /// - Precondition: α > 0 and β > 0 (validated by the scenario loader before this point).
    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }

    /// The Beta with a given mean m ∈ (0,1) and concentration κ = α + β > 0.
    public init(mean: Double, concentration: Double) {
        self.init(alpha: mean * concentration, beta: (1 - mean) * concentration)
    }

    public var mean: Double { alpha / (alpha + beta) }
    public var variance: Double {
        let s = alpha + beta
        return alpha * beta / (s * s * (s + 1))
    }

    /// The inverse CDF, by GSL's `gsl_cdf_beta_Pinv` (iterative, about a microsecond).
    public func quantile(_ p: Double) -> Double { gsl_cdf_beta_Pinv(p, alpha, beta) }

    /// The density, by GSL's `gsl_ran_beta_pdf`.
    public func density(_ x: Double) -> Double { gsl_ran_beta_pdf(x, alpha, beta) }
}

/// A log-normal distribution: log X ~ Normal(μ, σ²).
public struct LogNormalDistribution: Hashable, Sendable {
    public let mu: Double
    public let sigma: Double

    public init(mu: Double, sigma: Double) {
        precondition(sigma >= 0, "log-normal sigma must be non-negative")
        self.mu = mu
        self.sigma = sigma
    }

    /// The log-normal with a given median and log-scale spread σ.
    public init(median: Double, sigma: Double) {
        precondition(median > 0, "log-normal median must be positive")
        self.init(mu: log(median), sigma: sigma)
    }

    public var mean: Double { exp(mu + sigma * sigma / 2) }
    public var variance: Double { (exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma) }

    /// exp(μ + σ Φ⁻¹(p)): exact inversion, monotone in p (so CRN couples draws across strategies).
    @inlinable
    public func quantile(_ p: Double) -> Double { exp(mu + sigma * StandardNormal.quantile(p)) }
}

/// Student's t distribution, for confidence intervals and paired tests.
public enum StudentT {
    /// The quantile t_{ν}(p).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        gsl_cdf_tdist_Pinv(p, nu)
    }

    /// The two-sided p-value of a t statistic with ν degrees of freedom.
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        return 2 * gsl_cdf_tdist_Q(abs(t), nu)
    }
}

/// A monotone lookup table for an inverse CDF on a uniform grid of probabilities, interpolated
/// linearly.
///
/// Inversion with a slow quantile function (the Beta's takes about a microsecond) is too slow
/// for millions of draws, yet inversion is what keeps common random numbers monotone. The table
/// is built once per distribution from the exact GSL quantile, then costs a few nanoseconds per
/// draw. With the default 4,097 knots the interpolation error is below 1e-4 in the body; the two
/// end cells use the exact quantile.
public struct QuantileTable: Sendable {
    public let knots: [Double]
    @usableFromInline let exact: @Sendable (Double) -> Double
    @usableFromInline let cells: Double

    /// Builds the table on up to `threads` threads: each knot is the exact quantile at its own
    /// probability, so the table is the same whatever the number of threads.
    public init(knotCount: Int = 4097, threads: Int = 1, quantile: @escaping @Sendable (Double) -> Double) {
        precondition(knotCount >= 3)
        let n = knotCount - 1
        var k = [Double](repeating: 0, count: knotCount)
        let chunks = min(max(1, threads), knotCount)
        k.withUnsafeMutableBufferPointer { buffer in
            // Each chunk writes only its own knots.
            nonisolated(unsafe) let knots = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in stride(from: c, through: n, by: chunks) {
                    let p = Double(i) / Double(n)
                    knots[i] = quantile(min(max(p, 1e-300), 1 - 1e-16))
                }
            }
        }
        self.knots = k
        self.exact = quantile
        self.cells = Double(n)
    }

    /// The quantile at u ∈ (0, 1).
    @inlinable
    public func callAsFunction(_ u: Double) -> Double {
        let x = u * cells
        let i = Int(x)
        if i <= 0 || i >= knots.count - 2 { return exact(u) }
        let f = x - Double(i)
        return knots.withUnsafeBufferPointer { k in k[i] + f * (k[i + 1] - k[i]) }
    }
}

/// Beta quantile tables already built, by (mean, concentration). A table costs about 4,000
/// inverse CDFs (tens of milliseconds for a model's ten tables, a third of a small run's
/// start-up); an experiment compiles the model at every point, usually with the same tables, so
/// it keeps one cache for all points. Tables are built on `threads` threads, as the run they are
/// for (nil: one per active processor).
public final class QuantileTableCache: Sendable {
    struct Key: Hashable { let mean: Double, concentration: Double }
    private let tables = Mutex<[Key: QuantileTable]>([:])
    let threads: Int

    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    public func beta(mean: Double, concentration: Double) -> QuantileTable {
        let key = Key(mean: mean, concentration: concentration)
        if let t = tables.withLock({ $0[key] }) { return t }
        let beta = BetaDistribution(mean: mean, concentration: concentration)
        let t = QuantileTable(threads: threads) { beta.quantile($0) }
        tables.withLock { $0[key] = t }
        return t
    }
}
