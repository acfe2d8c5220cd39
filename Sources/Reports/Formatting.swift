import Analysis
import Foundation
import Scenario
import Stochastics

/// Number formatting shared by the writers: fixed, locale-independent, round-trippable.
enum Format {
    static func int(_ v: Double) -> String { v.isFinite ? String(Int(v.rounded())) : "" }

    /// A JSON string literal (the same escaping as scenario YAML).
    static func jsonString(_ s: String) -> String { ScenarioWriter.quote(s) }

    /// `String(format: "%.1f", v)`, byte for byte, without its cost: a report's charts write
    /// tens of thousands of coordinates, and formatting them through Foundation took a fifth of
    /// what a run of 1,000 accounts costs.
    ///
    /// Like printf, it rounds the exact value of `v` to one decimal, ties to even: `v × 10` is
    /// rounded, and the product's rounding error (exact, from a fused multiply-add) decides the
    /// cases where that rounded product sits exactly halfway between two integers.
    static func oneDecimal(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e14 else { return String(format: "%.1f", v) }
        let t = v * 10
        let error = (-t).addingProduct(v, 10)  // v × 10 − t, exactly
        var n = t.rounded(.toNearestOrEven)
        if abs(t - n) == 0.5 && error != 0 {
            // The exact product lies beyond or short of the halfway point t.
            n = (error > 0) ? t.rounded(.up) : t.rounded(.down)
        }
        let tenths = Int(abs(n))
        return (v.sign == .minus ? "-" : "") + String(tenths / 10) + "." + String(tenths % 10)
    }

    /// A value for people: percentages for shares (`MetricUnit.share`: of accounts, amounts or
    /// capacity), fixed
    /// decimals otherwise. Satisfaction, retention, willingness and literacy are scores on a
    /// 0–1 scale, not shares of borrowers, so they are never shown as percentages.
    ///
    /// The decimals follow the magnitude of `scale` (the value itself unless given): an
    /// interval's bounds are written with the mean's decimals, so a column reads consistently
    /// (`10.0 (0.0–27.8)`, not `10.0 (-7.789–27.8)`). A value that rounds to zero is written
    /// without a minus sign.
    static func human(_ v: Double, metric: String, scale: Double? = nil) -> String {
        guard v.isFinite else { return "–" }
        if Metrics.isShare(metric) { return unsignedZero(String(format: "%.1f%%", v * 100)) }
        return unsignedZero(String(format: "%.\(decimals(scale ?? v))f", v))
    }

    /// Decimals for a value of this magnitude: none from 100, one from 10, three down to 0.01,
    /// then two significant figures.
    static func decimals(_ magnitude: Double) -> Int {
        let a = abs(magnitude)
        guard a.isFinite else { return 3 }
        if a >= 100 { return 0 }
        if a >= 10 { return 1 }
        if a == 0 || a >= 0.01 { return 3 }
        return min(12, 1 - Int(log10(a).rounded(.down)))
    }

    /// A mean and its interval's bounds, all with the mean's decimals.
    static func human(_ ci: ConfidenceInterval, metric: String) -> (mean: String, low: String, high: String) {
        (human(ci.mean, metric: metric), human(ci.low, metric: metric, scale: ci.mean), human(ci.high, metric: metric, scale: ci.mean))
    }

    /// "-0.0" and "-0.0%" as "0.0" and "0.0%": a rounded zero has no sign worth printing.
    static func unsignedZero(_ text: String) -> String {
        guard text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." || $0 == "%" }) else { return text }
        return String(text.dropFirst())
    }
}
