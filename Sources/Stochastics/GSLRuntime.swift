import CGSL

/// One-time process set-up for GSL.
///
/// GSL's default error handler calls `abort()`, so one bad parameter would kill a whole run.
/// `prepare()` switches that handler off; every wrapper in this module checks its inputs or
/// GSL's return value instead.
public enum GSLRuntime {
    private static let prepared: Void = { cgsl_disable_abort() }()

    /// Idempotent and thread-safe (a lazily initialised `static let`).
    public static func prepare() { _ = prepared }
}
