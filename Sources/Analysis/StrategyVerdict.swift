import Stochastics

/// The report's verdict: which strategy is best on an objective, how sure the replications let
/// us be, and which strategies are efficient on net recovery against complaints.
///
/// The probability that strategy s is best is estimated by a paired bootstrap over
/// replications: resample the R replication indices with replacement (the same indices for every
/// strategy, as common random numbers pair them), take each strategy's mean objective over the
/// resample, and count how often s has the best mean among the strategies that meet the
/// complaints cap in that resample:
///
///     P(s best) ≈ (1/B) Σ_b 1[ s = argbest_{t : c̄_t^(b) ≤ cap} ȳ_t^(b) ]
///
/// The resamples come from counter-based draws keyed by the seed, so the same run gives the
/// same probabilities on every machine.
public struct StrategyVerdict: Sendable {
    public struct Standing: Sendable {
        public let strategy: String
        /// Mean objective over the replications.
        public let mean: Double
        /// Mean complaints per 1,000 accounts.
        public let complaints: Double
        /// Whether the mean complaints meet the cap (true without a cap).
        public let meetsCap: Bool
        /// Share of bootstrap resamples in which this strategy is the best that meets the cap.
        public let probabilityBest: Double
    }

    public let objective: String
    public let higherIsBetter: Bool
    public let complaintsCap: Double?
    /// Strategies in the order given.
    public let standings: [Standing]
    /// The best strategy on mean objective among those meeting the cap (nil: none meets it; the
    /// first of strategies that tie exactly).
    public let best: String?
    /// Bootstrap resamples drawn (0 with fewer than 2 replications: no probability).
    public let resamples: Int
    /// Share of resamples in which no strategy met the cap.
    public let probabilityNoneMeetsCap: Double

    public static let defaultResamples = 4000

    /// - Parameters:
    ///   - objective: per strategy, the objective's value in each replication (same length and
    ///     order for every strategy: replication r of one is paired with replication r of all).
    ///   - complaints: per strategy, complaints per 1,000 accounts in each replication.
    public static func compute(strategies: [String], objective name: String, higherIsBetter: Bool,
                               objective: [String: [Double]], complaints: [String: [Double]], cap: Double?,
                               seed: UInt64, resamples: Int = defaultResamples) -> StrategyVerdict {
        let r = strategies.map { objective[$0]?.count ?? 0 }.min() ?? 0
        func mean(_ values: [Double]?, _ picks: [Int]) -> Double {
            guard let values, !picks.isEmpty else { return .nan }
            var sum = 0.0, n = 0
            for i in picks where values[i].isFinite { sum += values[i]; n += 1 }
            return n > 0 ? sum / Double(n) : .nan
        }
        func better(_ a: Double, _ b: Double) -> Bool { higherIsBetter ? a > b : a < b }
        /// The indices of the strategies with the best mean among those meeting the cap, on the
        /// replications `picks` (several when they tie exactly, as strategies that act alike do).
        func winners(_ picks: [Int]) -> [Int] {
            var best: [Int] = [], bestValue = Double.nan
            for (k, s) in strategies.enumerated() {
                let y = mean(objective[s], picks)
                guard y.isFinite else { continue }
                if let cap, !(mean(complaints[s], picks) <= cap) { continue }
                if best.isEmpty || better(y, bestValue) { best = [k]; bestValue = y } else if y == bestValue { best.append(k) }
            }
            return best
        }
        let all = Array(0..<r)
        let bootstrap = r >= 2 ? resamples : 0
        var wins = [Double](repeating: 0, count: strategies.count), none = 0
        let key = StreamKey(seed: seed, replication: -1, borrower: -1)
        var picks = [Int](repeating: 0, count: r)
        for b in 0..<bootstrap {
            for j in 0..<r { picks[j] = Int(key.bits(day: b * r + j, purpose: .bootstrap) % UInt64(r)) }
            let w = winners(picks)
            if w.isEmpty { none += 1 }
            for k in w { wins[k] += 1 / Double(w.count) }
        }
        let standings = strategies.enumerated().map { k, s in
            let c = mean(complaints[s], all)
            return Standing(strategy: s, mean: mean(objective[s], all), complaints: c, meetsCap: cap.map { c <= $0 } ?? true,
                            probabilityBest: bootstrap > 0 ? wins[k] / Double(bootstrap) : .nan)
        }
        return StrategyVerdict(objective: name, higherIsBetter: higherIsBetter, complaintsCap: cap, standings: standings,
                               best: winners(all).first.map { strategies[$0] }, resamples: bootstrap,
                               probabilityNoneMeetsCap: bootstrap > 0 ? Double(none) / Double(bootstrap) : .nan)
    }

    /// Strategies no other strategy beats on both net recovery (higher) and complaints (lower),
    /// given each strategy's (net recovery, complaints) means.
    public static func paretoEfficient(_ points: [(strategy: String, netRecovery: Double, complaints: Double)]) -> [String] {
        let finite = points.filter { $0.netRecovery.isFinite && $0.complaints.isFinite }
        return finite.filter { p in
            !finite.contains { q in q.netRecovery >= p.netRecovery && q.complaints <= p.complaints
                && (q.netRecovery > p.netRecovery || q.complaints < p.complaints) }
        }.map(\.strategy)
    }
}
