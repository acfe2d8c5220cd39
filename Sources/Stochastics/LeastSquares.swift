import CGSL

/// Nonlinear least squares by GSL's trust-region solver (`gsl_multifit_nlinear`,
/// Levenberg–Marquardt), with a Jacobian the caller provides (a simulation needs finite
/// differences with a step far larger than GSL's default, which would only see noise).
public enum LeastSquares {
    public struct Fit: Sendable {
        public let x: [Double]
        /// Residuals at `x`.
        public let residuals: [Double]
        /// Σ residual², the χ² when residuals are already divided by their standard errors.
        public let chiSquare: Double
        /// (JᵀJ)⁻¹ at `x`: the covariance of `x` when residuals are standardised.
        public let covariance: [[Double]]
        public let iterations: Int
        /// GSL's reason for stopping (1: small step, 2: small gradient, 3: small change of
        /// χ²); 0 when it ran out of iterations.
        public let convergence: Int
    }

    /// Fits `x` so that `residuals(x)` is smallest in the sum of squares. Either closure may
    /// throw (a budget running out, a stop request): the fit ends and the error is rethrown.
    public static func fit(start: [Double], count n: Int, maxIterations: Int,
                           residuals: ([Double]) throws -> [Double],
                           jacobian: ([Double], [Double]) throws -> [[Double]]) throws -> Fit {
        let p = start.count
        precondition(p >= 1 && n >= p, "least squares needs at least as many residuals as parameters")
        GSLRuntime.prepare()
        return try withoutActuallyEscaping(residuals) { residuals in
            try withoutActuallyEscaping(jacobian) { jacobian in
                let box = Box(residuals: residuals, jacobian: jacobian)
                return try withExtendedLifetime(box) {
                    var parameters = gsl_multifit_nlinear_default_parameters()
                    guard let w = gsl_multifit_nlinear_alloc(cgsl_multifit_nlinear_trust(), &parameters, n, p),
                          let x = gsl_vector_alloc(p), let covar = gsl_matrix_alloc(p, p) else {
                        preconditionFailure("GSL could not allocate a least-squares workspace (\(n) × \(p))")
                    }
                    defer { gsl_multifit_nlinear_free(w); gsl_vector_free(x); gsl_matrix_free(covar) }
                    for i in 0..<p { gsl_vector_set(x, i, start[i]) }
                    var fdf = gsl_multifit_nlinear_fdf()
                    fdf.f = { v, params, out in
                        let box = Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue()
                        guard box.error == nil, let v, let out else { return Int32(GSL_EBADFUNC) }
                        do {
                            let r = try box.residuals(LeastSquares.vector(v))
                            for (i, value) in r.enumerated() { gsl_vector_set(out, i, value) }
                            return r.allSatisfy(\.isFinite) ? Int32(GSL_SUCCESS) : Int32(GSL_EBADFUNC)
                        } catch { box.error = error; return Int32(GSL_EBADFUNC) }
                    }
                    fdf.df = { v, params, out in
                        let box = Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue()
                        guard box.error == nil, let v, let out else { return Int32(GSL_EBADFUNC) }
                        do {
                            let point = LeastSquares.vector(v)
                            let r = try box.residuals(point)
                            let j = try box.jacobian(point, r)
                            for (i, row) in j.enumerated() { for (k, value) in row.enumerated() { gsl_matrix_set(out, i, k, value) } }
                            return Int32(GSL_SUCCESS)
                        } catch { box.error = error; return Int32(GSL_EBADFUNC) }
                    }
                    fdf.fvv = nil
                    fdf.n = n
                    fdf.p = p
                    fdf.params = Unmanaged.passUnretained(box).toOpaque()
                    _ = gsl_multifit_nlinear_init(x, &fdf, w)
                    if let e = box.error { throw e }
                    var info: Int32 = 0
                    _ = gsl_multifit_nlinear_driver(maxIterations, 1e-6, 1e-8, 1e-8, nil, nil, &info, w)
                    if let e = box.error { throw e }
                    _ = gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0, covar)
                    let r = vector(gsl_multifit_nlinear_residual(w)!)
                    return Fit(x: vector(gsl_multifit_nlinear_position(w)!), residuals: r, chiSquare: r.reduce(0) { $0 + $1 * $1 },
                               covariance: (0..<p).map { i in (0..<p).map { gsl_matrix_get(covar, i, $0) } },
                               iterations: Int(gsl_multifit_nlinear_niter(w)), convergence: Int(info))
                }
            }
        }
    }

    /// (JᵀJ)⁻¹ for a Jacobian (rows: residuals), by GSL (`gsl_multifit_nlinear_covar`); NaN
    /// where JᵀJ is singular (a parameter the residuals do not see).
    public static func covariance(jacobian: [[Double]]) -> [[Double]] {
        let n = jacobian.count, p = jacobian.first?.count ?? 0
        guard n >= p, p > 0, let j = gsl_matrix_alloc(n, p), let c = gsl_matrix_alloc(p, p) else {
            return Array(repeating: Array(repeating: .nan, count: p), count: p)
        }
        defer { gsl_matrix_free(j); gsl_matrix_free(c) }
        for (i, row) in jacobian.enumerated() { for (k, v) in row.enumerated() { gsl_matrix_set(j, i, k, v) } }
        GSLRuntime.prepare()
        guard gsl_multifit_nlinear_covar(j, 0, c) == GSL_SUCCESS else { return Array(repeating: Array(repeating: .nan, count: p), count: p) }
        // GSL zeroes the rows and columns of parameters the Jacobian cannot tell apart from the
        // others; such a parameter is not identified, and a zero variance would claim the opposite.
        let unidentified = Set((0..<p).filter { gsl_matrix_get(c, $0, $0) == 0 })
        return (0..<p).map { i in (0..<p).map { k in
            let v = gsl_matrix_get(c, i, k)
            return v.isFinite && !unidentified.contains(i) && !unidentified.contains(k) ? v : .nan
        } }
    }

    /// The sandwich covariance B·(Jᵀ C J)·B with B = (JᵀJ)⁻¹, of parameters fitted by least
    /// squares to residuals whose covariance is C rather than the identity the bread alone
    /// assumes: correlated targets, or errors other than the weights. With C = I it is (JᵀJ)⁻¹.
    public static func sandwichCovariance(jacobian: [[Double]], residualCovariance c: [[Double]]) -> [[Double]] {
        let bread = covariance(jacobian: jacobian)
        let jt = SampleCovariance.transpose(jacobian)
        let meat = SampleCovariance.product(SampleCovariance.product(jt, c), jacobian)
        return SampleCovariance.product(SampleCovariance.product(bread, meat), bread)
    }

    static func vector(_ v: UnsafePointer<gsl_vector>) -> [Double] { (0..<v.pointee.size).map { gsl_vector_get(v, $0) } }
    static func vector(_ v: UnsafeMutablePointer<gsl_vector>) -> [Double] { (0..<v.pointee.size).map { gsl_vector_get(v, $0) } }

    private final class Box {
        let residuals: ([Double]) throws -> [Double]
        let jacobian: ([Double], [Double]) throws -> [[Double]]
        var error: Error?
        init(residuals: @escaping ([Double]) throws -> [Double], jacobian: @escaping ([Double], [Double]) throws -> [[Double]]) {
            self.residuals = residuals; self.jacobian = jacobian
        }
    }
}

/// The χ² distribution's upper tail, for a fit's goodness.
public enum ChiSquare {
    /// P(X > x) for X ~ χ²(k).
    public static func upperTail(_ x: Double, degreesOfFreedom k: Double) -> Double { gsl_cdf_chisq_Q(x, k) }
}
