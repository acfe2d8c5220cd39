import CGSL

/// Points of GSL's Sobol low-discrepancy sequence in the unit cube, for space-filling designs
/// (sweeps, Saltelli sampling).
///
/// The sequence is deterministic: the same dimension and count give the same points on every
/// machine, so a design can be rebuilt on resume instead of being stored.
public enum SobolSequence {
    /// GSL's Sobol generator goes up to this many dimensions.
    public static let maxDimension = 40

    /// The first `count` points after skipping `skip` (GSL's first point is the origin, a corner
    /// of the cube that a design usually does without). Each point has `dimension` coordinates
    /// in [0, 1).
    public static func points(dimension: Int, count: Int, skip: Int = 1) -> [[Double]] {
        precondition((1...maxDimension).contains(dimension), "Sobol dimension must be in 1...\(maxDimension)")
        precondition(count >= 0 && skip >= 0)
        GSLRuntime.prepare()
        guard let q = gsl_qrng_alloc(cgsl_qrng_sobol(), UInt32(dimension)) else {
            preconditionFailure("gsl_qrng_alloc failed for a Sobol sequence of dimension \(dimension)")
        }
        defer { gsl_qrng_free(q) }
        var x = [Double](repeating: 0, count: dimension)
        for _ in 0..<skip { _ = gsl_qrng_get(q, &x) }
        var out: [[Double]] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            _ = gsl_qrng_get(q, &x)
            out.append(x)
        }
        return out
    }
}
