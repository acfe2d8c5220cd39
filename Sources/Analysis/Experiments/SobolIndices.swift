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
}

/// Sobol indices from model outputs on Saltelli's design (see `ExperimentDesign.saltelliUnit`).
///
/// Estimators (Saltelli et al. 2010, Table 2, and Jansen 1999), as SALib computes them:
/// Sᵢ = mean(f(B)·(f(AB⁽ⁱ⁾) − f(A))) / V and Sₜᵢ = ½·mean((f(A) − f(AB⁽ⁱ⁾))²) / V, where V is the
/// variance of the outputs on A and B together. Confidence intervals are z·SD of the estimates
/// over bootstrap resamples of the base samples (SALib's normal bootstrap interval).
public enum SobolAnalysis {
    /// - Parameters:
    ///   - outputs: N·(k + 2) model outputs in the design's row order.
    ///   - factors: k.
    ///   - resamples: bootstrap resamples; resample r draws its base samples from a counter
    ///     stream keyed by (seed, r), so the intervals are reproducible.
    public static func indices(outputs y: [Double], factors k: Int, resamples: Int, confidence: Double, seed: UInt64) -> SobolIndices {
        let step = k + 2
        precondition(k >= 1 && y.count % step == 0 && y.count >= 2 * step, "outputs must be N·(k + 2) values, N ≥ 2")
        let n = y.count / step
        // Outputs are standardised first, as SALib does: the first-order estimator is not
        // shift-invariant in finite samples, and centring lowers its variance.
        var all = Moments()
        for v in y { all.add(v) }
        let sd = (all.m2 / Double(all.count)).squareRoot()
        let y = sd > 0 ? y.map { ($0 - all.mean) / sd } : y
        let a = (0..<n).map { y[$0 * step] }
        let b = (0..<n).map { y[$0 * step + k + 1] }
        let ab = (0..<k).map { i in (0..<n).map { y[$0 * step + 1 + i] } }

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
                for i in 0..<k {
                    let (s, t) = estimate(a, b, ab[i], rows: resampled)
                    if s.isFinite { firstMoments[i].add(s) }
                    if t.isFinite { totalMoments[i].add(t) }
                }
            }
            firstSD = firstMoments.map(\.standardDeviation)
            totalSD = totalMoments.map(\.standardDeviation)
        }
        let z = StandardNormal.quantile(0.5 + confidence / 2)
        return SobolIndices(first: first, total: total, firstHalfWidth: firstSD.map { z * $0 },
                            totalHalfWidth: totalSD.map { z * $0 }, confidence: confidence)
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
