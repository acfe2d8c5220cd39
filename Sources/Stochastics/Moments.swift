/// Streaming, mergeable count, mean and variance (Welford's update, Chan et al.'s merge).
///
/// Merging two accumulators gives the same moments as one accumulator fed both streams, so
/// partial runs combine exactly (up to floating-point rounding, which is why the engine merges
/// in a fixed order).
public struct Moments: Hashable, Sendable, Codable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    /// Sum of squared deviations from the mean.
    public private(set) var m2: Double = 0

    public init() {}

    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    public mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * Double(other.count) / n
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / n
        count += other.count
    }

    /// The unbiased sample variance (NaN below two observations).
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : .nan }
    public var standardDeviation: Double { variance.squareRoot() }
    public var standardError: Double { count > 1 ? (variance / Double(count)).squareRoot() : .nan }
}

/// A mean with its two-sided Student-t confidence interval.
public struct ConfidenceInterval: Hashable, Sendable, Codable {
    /// The sample mean.
    public let mean: Double
    /// The interval's lower and upper bounds (NaN when `n` < 2).
    public let low: Double
    public let high: Double
    /// The number of values (replications) behind it.
    public let n: Int

    public init(mean: Double, low: Double, high: Double, n: Int) {
        self.mean = mean
        self.low = low
        self.high = high
        self.n = n
    }

    /// The interval cut to the values the quantity can take: a count or a rate is never below
    /// zero, nor a share above one, though mean ± t·s/√n can be with few replications. The
    /// mean is untouched; undefined (NaN) bounds stay undefined.
    public func clamped(to range: ClosedRange<Double>) -> ConfidenceInterval {
        func cut(_ v: Double) -> Double { v.isNaN ? v : Swift.min(Swift.max(v, range.lowerBound), range.upperBound) }
        return ConfidenceInterval(mean: mean, low: cut(low), high: cut(high), n: n)
    }

    /// The interval mean ± t_{n−1}(1 − α/2) · s/√n. With one observation no spread can be
    /// estimated, so the bounds are undefined (NaN: reports print no interval, CSV leaves the
    /// cells empty); with none, the mean is NaN too.
    public init(_ m: Moments, level: Double = 0.95) {
        if m.count < 2 {
            self.init(mean: m.count == 0 ? .nan : m.mean, low: .nan, high: .nan, n: m.count)
        } else if m.m2 == 0 {
            self.init(mean: m.mean, low: m.mean, high: m.mean, n: m.count)
        } else {
            let t = StudentT.quantile(1 - (1 - level) / 2, degreesOfFreedom: Double(m.count - 1))
            let half = t * m.standardError
            self.init(mean: m.mean, low: m.mean - half, high: m.mean + half, n: m.count)
        }
    }

    /// Half the interval's width; NaN when the interval is undefined (one observation).
    public var halfWidth: Double { (high - low) / 2 }
    public func excludes(_ value: Double) -> Bool { value < low || value > high }
}
