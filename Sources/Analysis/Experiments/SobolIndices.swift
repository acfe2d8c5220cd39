import Stochastics

/// Variance-based sensitivity indices of one output to each factor.
public struct SobolIndices: Sendable, Equatable {
    /// First-order index Sᵢ: the share of output variance explained by factor i alone.
    public let first: [Double]
    /// Total index Sₜᵢ: the share explained by factor i with all its interactions.
    public let total: [Double]
    /// Half-widths of the bootstrap confidence intervals of `first` and `total`.
    public let firstHalfWidth: [Double]
    public let totalHalfWidth: [Double]
    public let confidence: Double
    /// The model's own Monte Carlo noise as a share of the output's variance, η = mean(σ²ⱼ) / V,
    /// where σ²ⱼ is the noise variance of point j's output (for an experiment, the part of its
    /// replications' noise that differs between points: `ReplicationNoise`). Nil when the noise
    /// cannot be estimated (a single replication per point).
    ///
    /// Noise adds about η to every total index (Jansen's estimator sees ½·E[(εᴬ − εᴬᴮ)²] = σ²
    /// on top of the factor's effect when the noise at the two points is independent; less
    /// under common random numbers) and scatters the first-order ones by as much, so an index
    /// whose interval reaches down to η cannot be told from noise.
    public let noiseShare: Double?

    /// True when simulation noise alone could account for an index: its interval's lower end
    /// (index − half-width) is not above the noise share.
    public func withinNoise(_ index: Double, halfWidth: Double) -> Bool {
        guard let noiseShare else { return false }
        return index - (halfWidth.isFinite ? halfWidth : 0) <= noiseShare
    }

    /// `withinNoise` for first-order index i.
    public func firstWithinNoise(_ i: Int) -> Bool { withinNoise(first[i], halfWidth: firstHalfWidth[i]) }
    /// `withinNoise` for total index i.
    public func totalWithinNoise(_ i: Int) -> Bool { withinNoise(total[i], halfWidth: totalHalfWidth[i]) }

    /// Output variance that is simulation noise above which a study should be re-run with more
    /// replications or accounts per point before its indices are read.
    public static let noisyShare = 0.1
}

/// Sobol indices from model outputs on Saltelli's design (see `ExperimentDesign.saltelliUnit`).
///
/// Estimators (Saltelli et al. 2010, Table 2, and Jansen 1999), as SALib computes them:
/// Sᵢ = mean(f(B)·(f(AB⁽ⁱ⁾) − f(A))) / V and Sₜᵢ = ½·mean((f(A) − f(AB⁽ⁱ⁾))²) / V, where V is the
/// variance of the outputs on A and B together. Confidence intervals are z·SD of the estimates
/// over bootstrap resamples of the base samples (SALib's normal bootstrap interval).
///
/// A stochastic model's outputs carry its own Monte Carlo noise, which SALib's intervals ignore:
/// they resample base samples only, so a second seed can move an index far outside them. Given
/// each output's noise variance, every resample also adds to each output a fresh normal draw of
/// that variance, so the spread of the resampled indices includes how far another realisation
/// of the noise would move them; and `SobolIndices.noiseShare` says how much of the output's
/// variance is noise.
public enum SobolAnalysis {
    /// - Parameters:
    ///   - outputs: N·(k + 2) model outputs in the design's row order.
    ///   - noiseVariances: for each output, the variance of its Monte Carlo noise (for an
    ///     experiment, `ReplicationNoise.varianceOfMeans`), or nil when it cannot be estimated.
    ///   - factors: k.
    ///   - resamples: bootstrap resamples; resample r draws its base samples, and its noise, from
    ///     counter streams keyed by (seed, r), so the intervals are reproducible.
    public static func indices(outputs y: [Double], noiseVariances: [Double]? = nil, factors k: Int, resamples: Int,
                               confidence: Double, seed: UInt64) -> SobolIndices {
        let step = k + 2
        precondition(k >= 1 && y.count % step == 0 && y.count >= 2 * step, "outputs must be N·(k + 2) values, N ≥ 2")
        precondition(noiseVariances.map { $0.count == y.count } ?? true, "one noise variance per output")
        let n = y.count / step
        // Outputs are standardised first, as SALib does: the first-order estimator is not
        // shift-invariant in finite samples, and centring lowers its variance.
        var all = Moments()
        for v in y { all.add(v) }
        let variance = all.m2 / Double(all.count)
        let sd = variance.squareRoot()
        let y = sd > 0 ? y.map { ($0 - all.mean) / sd } : y
        // The design's rows of base sample j: A, then AB⁽¹⁾ … AB⁽ᵏ⁾, then B.
        func columns(_ y: [Double]) -> (a: [Double], b: [Double], ab: [[Double]]) {
            ((0..<n).map { y[$0 * step] }, (0..<n).map { y[$0 * step + k + 1] },
             (0..<k).map { i in (0..<n).map { y[$0 * step + 1 + i] } })
        }
        let (a, b, ab) = columns(y)
        // The noise's standard deviation on the standardised scale, per output.
        let noiseSD = noiseVariances.map { v in v.map { sd > 0 ? max(0, $0).squareRoot() / sd : 0 } }
        let noiseShare = noiseVariances.flatMap { v -> Double? in
            guard variance > 0 else { return nil }
            return v.reduce(0, +) / Double(v.count) / variance
        }

        let rows = Array(0..<n)
        var first = [Double](repeating: 0, count: k), total = first
        for i in 0..<k { (first[i], total[i]) = estimate(a, b, ab[i], rows: rows) }

        var firstSD = [Double](repeating: .nan, count: k), totalSD = firstSD
        if resamples > 1 {
            var firstMoments = [Moments](repeating: Moments(), count: k), totalMoments = firstMoments
            var resampled = [Int](repeating: 0, count: n)
            for r in 0..<resamples {
                let key = StreamKey(seed: seed, replication: r, borrower: 0)
                for j in 0..<n { resampled[j] = Int(key.bits(day: j, purpose: .bootstrap) % UInt64(n)) }
                // Output o of the design gets its own noise draw: day o of this resample's stream.
                let (ra, rb, rab) = noiseSD.map { sds in
                    columns(y.indices.map { o in y[o] + sds[o] * StandardNormal.quantile(key.uniform(day: o, purpose: .simulationNoise)) })
                } ?? (a, b, ab)
                for i in 0..<k {
                    let (s, t) = estimate(ra, rb, rab[i], rows: resampled)
                    if s.isFinite { firstMoments[i].add(s) }
                    if t.isFinite { totalMoments[i].add(t) }
                }
            }
            firstSD = firstMoments.map(\.standardDeviation)
            totalSD = totalMoments.map(\.standardDeviation)
        }
        let z = StandardNormal.quantile(0.5 + confidence / 2)
        return SobolIndices(first: first, total: total, firstHalfWidth: firstSD.map { z * $0 },
                            totalHalfWidth: totalSD.map { z * $0 }, confidence: confidence, noiseShare: noiseShare)
    }

    /// (Sᵢ, Sₜᵢ) over the given base-sample rows (with repeats, for the bootstrap).
    static func estimate(_ a: [Double], _ b: [Double], _ ab: [Double], rows: [Int]) -> (Double, Double) {
        var pooled = Moments()
        var firstSum = 0.0, totalSum = 0.0
        for j in rows {
            pooled.add(a[j]); pooled.add(b[j])
            firstSum += b[j] * (ab[j] - a[j])
            let d = a[j] - ab[j]
            totalSum += d * d
        }
        // Population variance (divisor 2N), as SALib's np.var.
        let v = pooled.m2 / Double(pooled.count)
        guard v > 0 else { return (.nan, .nan) }
        let m = Double(rows.count)
        return (firstSum / m / v, 0.5 * totalSum / m / v)
    }
}
