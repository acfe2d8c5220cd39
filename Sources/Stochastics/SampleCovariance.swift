/// Covariance matrices of a few correlated estimates, for calibration's error model: small
/// dense matrices (one row and column per target or parameter), plain Swift arithmetic.
public enum SampleCovariance {
    /// The unbiased sample covariance of `observations` (one row per observation, one column
    /// per variable); rows holding a non-finite value are left out. NaN where fewer than two
    /// rows remain.
    public static func matrix(_ observations: [[Double]]) -> [[Double]] {
        let rows = observations.filter { $0.allSatisfy(\.isFinite) }
        let k = observations.first?.count ?? 0
        guard rows.count > 1 else { return Array(repeating: Array(repeating: .nan, count: k), count: k) }
        let n = Double(rows.count)
        let mean = (0..<k).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        return (0..<k).map { a in (0..<k).map { b in
            rows.reduce(0) { $0 + ($1[a] - mean[a]) * ($1[b] - mean[b]) } / (n - 1)
        } }
    }

    /// The correlation matrix of a covariance matrix; a variable without variance is taken as
    /// uncorrelated with the others.
    public static func correlation(_ covariance: [[Double]]) -> [[Double]] {
        covariance.indices.map { a in covariance.indices.map { b in
            if a == b { return 1 }
            let d = (covariance[a][a] * covariance[b][b]).squareRoot()
            return d > 0 && d.isFinite ? covariance[a][b] / d : 0
        } }
    }

    /// A · B for dense matrices.
    public static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let inner = b.count, columns = b.first?.count ?? 0
        return a.map { row in (0..<columns).map { j in (0..<inner).reduce(0) { $0 + row[$1] * b[$1][j] } } }
    }

    /// Aᵀ.
    public static func transpose(_ a: [[Double]]) -> [[Double]] {
        guard let columns = a.first?.count else { return [] }
        return (0..<columns).map { j in a.map { $0[j] } }
    }

    /// xᵀ A⁻¹ x for a symmetric positive-definite A, by Cholesky decomposition; NaN when A is
    /// not positive definite.
    public static func mahalanobisSquare(_ x: [Double], _ a: [[Double]]) -> Double {
        let n = x.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                let s = (0..<j).reduce(a[i][j]) { $0 - l[i][$1] * l[j][$1] }
                if i == j {
                    guard s > 0 else { return .nan }
                    l[i][i] = s.squareRoot()
                } else {
                    l[i][j] = s / l[j][j]
                }
            }
        }
        // Solve L y = x; then xᵀA⁻¹x = yᵀy.
        var y = Array(repeating: 0.0, count: n)
        for i in 0..<n { y[i] = (0..<i).reduce(x[i]) { $0 - l[i][$1] * y[$1] } / l[i][i] }
        return y.reduce(0) { $0 + $1 * $1 }
    }
}
