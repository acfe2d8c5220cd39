import Stochastics

/// Summaries of a sweep's evaluations.
public enum SweepAnalysis {
    /// One level of a factor and the metric's mean over the points at that level.
    public struct Level: Sendable {
        public let value: Double
        public let interval: ConfidenceInterval
        public let points: Int
    }

    /// The main effect of one factor: at each of its levels, the metric averaged over the points
    /// at that level. Every point ran the same replications (common random numbers), so the
    /// average is formed replication by replication and its CI comes from the spread over
    /// replications. For a space-filling design each level has one point, and this is that
    /// point's estimate.
    public static func mainEffect(_ evaluations: [PointEvaluation], factor: Int, metric: String, strategy: String) -> [Level] {
        var byLevel: [Double: [PointEvaluation]] = [:]
        for e in evaluations { byLevel[e.values[factor], default: []].append(e) }
        return byLevel.keys.sorted().map { level in
            let points = byLevel[level]!
            let series = points.compactMap { $0.perReplication[strategy]?[metric] }
            let replications = series.map(\.count).min() ?? 0
            var m = Moments()
            for r in 0..<replications {
                var sum = 0.0, n = 0
                for s in series where s[r].isFinite { sum += s[r]; n += 1 }
                if n > 0 { m.add(sum / Double(n)) }
            }
            return Level(value: level, interval: Metrics.cut(ConfidenceInterval(m), to: metric), points: points.count)
        }
    }
}
