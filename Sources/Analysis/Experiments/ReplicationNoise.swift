/// The Monte Carlo noise in an experiment's outputs, estimated from the replications each point
/// ran.
///
/// Every point runs the same replications with the same seeds (common random numbers), so a
/// replication's noise is shared, in part, by every point: a seed that gives many complaints
/// gives many at every point. That shared part shifts all points alike and moves no index; what
/// moves an index is the part that differs between points. A two-way decomposition of the
/// outputs yⱼᵣ (point j, replication r; J points, R replications) separates the two:
///
///     yⱼᵣ = μ + αⱼ + βᵣ + εⱼᵣ,   eⱼᵣ = yⱼᵣ − ȳⱼ· − ȳ·ᵣ + ȳ··,
///
/// where αⱼ is the point's effect, βᵣ the replication's shared shift, and εⱼᵣ the noise that
/// differs between points, with variance σ² = Σⱼᵣ e²ⱼᵣ / ((J − 1)(R − 1)). A point's mean over
/// its R replications carries σ² / R of it. Per point, vⱼ = Σᵣ e²ⱼᵣ / (R − 1) · J / (J − 1) / R,
/// whose mean over the points is that σ² / R, so points whose noise is larger say so.
public enum ReplicationNoise {
    /// The noise variance of each point's mean, or nil when it cannot be estimated: fewer than
    /// two points or two replications, replications of unequal number, or an undefined value.
    /// - Parameter values: `values[j][r]`, the output of point j in replication r.
    public static func varianceOfMeans(_ values: [[Double]]) -> [Double]? {
        let points = values.count
        guard points >= 2, let replications = values.first?.count, replications >= 2,
              values.allSatisfy({ $0.count == replications && $0.allSatisfy(\.isFinite) }) else { return nil }
        let j = Double(points), r = Double(replications)
        let pointMeans = values.map { $0.reduce(0, +) / r }
        let replicationMeans = (0..<replications).map { c in values.reduce(0) { $0 + $1[c] } / j }
        let grand = pointMeans.reduce(0, +) / j
        return values.indices.map { p in
            var sum = 0.0
            for c in 0..<replications {
                let e = values[p][c] - pointMeans[p] - replicationMeans[c] + grand
                sum += e * e
            }
            return sum / (r - 1) * j / (j - 1) / r
        }
    }
}
