import CGSL

/// Derivative-free minimisation by GSL's Nelder–Mead simplex (`nmsimplex2`).
///
/// The objective may throw (a budget running out, a stop request); the error ends the search
/// and is rethrown to the caller, so a search can be cut short without losing what it learnt
/// (the caller keeps its own record of every evaluation).
public enum NelderMead {
    public struct Result: Sendable {
        public let x: [Double]
        public let value: Double
        public let iterations: Int
        /// True when the simplex shrank below the tolerance.
        public let converged: Bool
    }

    /// Minimises `f` from `start` with an initial simplex of `step` along each axis.
    public static func minimize(start: [Double], step: [Double], tolerance: Double, maxIterations: Int,
                                _ f: ([Double]) throws -> Double) throws -> Result {
        precondition(!start.isEmpty && start.count == step.count)
        GSLRuntime.prepare()
        let n = start.count
        return try withoutActuallyEscaping(f) { f in
            let box = Box(f)
            return try withExtendedLifetime(box) {
                guard let x = gsl_vector_alloc(n), let s = gsl_vector_alloc(n),
                      let minimizer = gsl_multimin_fminimizer_alloc(cgsl_multimin_nmsimplex2(), n) else {
                    preconditionFailure("GSL could not allocate a Nelder–Mead minimizer of dimension \(n)")
                }
                defer { gsl_vector_free(x); gsl_vector_free(s); gsl_multimin_fminimizer_free(minimizer) }
                for i in 0..<n { gsl_vector_set(x, i, start[i]); gsl_vector_set(s, i, step[i]) }
                var function = gsl_multimin_function(
                    f: { v, params in
                        let box = Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue()
                        guard box.error == nil, let v else { return .greatestFiniteMagnitude }
                        let point = (0..<v.pointee.size).map { gsl_vector_get(v, $0) }
                        do { return try box.f(point) } catch {
                            box.error = error
                            return .greatestFiniteMagnitude
                        }
                    },
                    n: n, params: Unmanaged.passUnretained(box).toOpaque())
                _ = gsl_multimin_fminimizer_set(minimizer, &function, x, s)
                if let e = box.error { throw e }
                var iterations = 0
                var converged = false
                while iterations < maxIterations {
                    iterations += 1
                    let status = gsl_multimin_fminimizer_iterate(minimizer)
                    if let e = box.error { throw e }
                    if status != GSL_SUCCESS { break }
                    if gsl_multimin_test_size(gsl_multimin_fminimizer_size(minimizer), tolerance) == GSL_SUCCESS {
                        converged = true
                        break
                    }
                }
                let best = gsl_multimin_fminimizer_x(minimizer)!
                return Result(x: (0..<n).map { gsl_vector_get(best, $0) }, value: gsl_multimin_fminimizer_minimum(minimizer),
                              iterations: iterations, converged: converged)
            }
        }
    }

    private final class Box {
        let f: ([Double]) throws -> Double
        var error: Error?
        init(_ f: @escaping ([Double]) throws -> Double) { self.f = f }
    }
}
