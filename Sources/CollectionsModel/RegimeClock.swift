import Foundation

/// Waiting times of the two-state capacity regime.
enum RegimeClock {
    /// The day of the next switch after day `t` for a daily switching probability `p`, by
    /// inversion of the geometric distribution: t + 1 + ⌊ln U / ln(1 − p)⌋. Never (Int32.max)
    /// when p = 0.
    static func nextSwitch(after t: Int, probability p: Double, uniform u: Double) -> Int32 {
        if p <= 0 { return Int32.max }
        if p >= 1 { return Int32(t + 1) }
        let wait = (log(u) / log1p(-p)).rounded(.down)
        return Int32(min(Double(Int32.max - 1), Double(t) + 1 + wait))
    }
}
