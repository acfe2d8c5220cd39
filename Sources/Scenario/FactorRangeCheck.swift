import Foundation

/// Something in a scenario that is valid but probably not what its author meant; printed as
/// `file:line:column: warning: field 'x': …`, and the work goes on.
public struct ScenarioWarning: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let field: String
    public let message: String

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return "\(place): warning: field '\(field)': \(message)"
    }
}

/// Experiment factors whose range leaves the scenario's own value far behind. A daily rate of
/// 0.012 swept over [0.05, 0.4] saturates the mechanism at every point, and the study then
/// reads as "this does not matter"; a range more than an order of magnitude from the value it
/// varies is most often a unit slip (per day against per month, a share against a percentage).
public enum FactorRangeCheck {
    /// How far (as a ratio) a range may lie from the scenario's value before it is flagged.
    public static let ratio = 10.0

    /// One warning per factor whose levels all lie more than `ratio` times above, or below,
    /// the scenario's positive value of that field.
    public static func warnings(_ scenario: Scenario) -> [ScenarioWarning] {
        guard let e = scenario.experiment else { return [] }
        let editor = ScenarioEditor(scenario)
        var seen: Set<SourceMark> = []
        return e.allFactors.compactMap { f in
            guard seen.insert(f.mark).inserted, let v = try? editor.value(at: f.path) else { return nil }
            return warning(f, value: v, file: scenario.sourceFile)
        }
    }

    /// The warning for one factor whose field has value `value` in the scenario, if any.
    static func warning(_ f: ExperimentFactor, value v: Double, file: String) -> ScenarioWarning? {
        let levels = f.values ?? f.range.map { [$0.lowerBound, $0.upperBound] } ?? []
        guard v > 0, v.isFinite, let low = levels.min(), let high = levels.max(), low >= 0 else { return nil }
        let where_: String
        if low > ratio * v {
            where_ = "above it, its low end \(format(low / v))× the value"
        } else if high < v / ratio {
            where_ = "below it, its high end 1/\(format(v / high)) of the value"
        } else {
            return nil
        }
        let span = f.values != nil ? "values \(format(low))–\(format(high))" : "range [\(format(low)), \(format(high))]"
        return ScenarioWarning(file: file, line: f.mark.line, column: f.mark.column, field: f.path.text,
                               message: "the \(span) lies far from the scenario's value \(format(v)) (\(where_)); check the field's unit (`collectsim parameters` lists each parameter's), or bracket the value")
    }

    static func format(_ v: Double) -> String { String(format: "%.3g", v) }
}
